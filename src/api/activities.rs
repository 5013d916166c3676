//! CreateActivity, DescribeActivity, ListActivities, DeleteActivity and GetActivityTask.
//! The queues of tasks live in the runtime (`runtime::activities`); this is the record of
//! which activities exist, and their long poll.

use super::error::ApiError;
use super::records::ActivityEntry;
use super::resources::kind;
use super::service::StepFunctions;
use super::types::*;
use crate::types::arn::{ActivityArn, Name};

pub use crate::runtime::activities::ACTIVITY_POLL;

impl StepFunctions {
    /// CreateActivity: an activity workers can poll. Creating one that exists returns it
    /// unchanged (its tags too), as AWS does.
    pub fn create_activity(
        &self,
        req: CreateActivityInput,
    ) -> Result<CreateActivityOutput, ApiError> {
        let name: Name = req.name.parse()?;
        let arn = ActivityArn::new("aws", &self.service.region, &self.service.account, &name);
        let key = arn.to_string();
        if let Some(e) = self.service.activities.get(&key) {
            return Ok(CreateActivityOutput {
                activity_arn: key,
                creation_date: e.creation_date,
            });
        }
        super::records::check_tags(&req.tags, &key)?;
        let entry = ActivityEntry {
            name: name.to_string(),
            creation_date: self.service.clock.now(),
        };
        self.persist_resource(kind::ACTIVITIES, &key, &entry)?;
        let creation_date = entry.creation_date;
        self.service.activities.insert(key.clone(), entry);
        self.service.config.activities.create(&key);
        if !req.tags.is_empty() {
            self.set_tags(&key, req.tags)?;
        }
        Ok(CreateActivityOutput {
            activity_arn: key,
            creation_date,
        })
    }

    /// DescribeActivity: an activity's name and creation date.
    pub fn describe_activity(&self, req: ActivityArnInput) -> Result<ActivityListItem, ApiError> {
        let arn: ActivityArn = req.activity_arn.parse()?;
        let e = self.service.activities.get(arn.as_str()).ok_or_else(|| {
            ApiError::ActivityDoesNotExist(format!("Activity Does Not Exist: '{arn}'"))
        })?;
        Ok(ActivityListItem {
            activity_arn: arn.to_string(),
            name: e.name.clone(),
            creation_date: e.creation_date,
        })
    }

    /// ListActivities: the activities in name order, one page at a time.
    pub fn list_activities(&self, req: PageInput) -> Result<ListActivitiesOutput, ApiError> {
        let mut all: Vec<ActivityListItem> = self
            .service
            .activities
            .iter()
            .map(|e| ActivityListItem {
                activity_arn: e.key().clone(),
                name: e.name.clone(),
                creation_date: e.creation_date,
            })
            .collect();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        let (activities, next_token) =
            super::page::page(all, req.max_results, req.next_token.as_deref())?;
        Ok(ListActivitiesOutput {
            activities,
            next_token,
        })
    }

    /// DeleteActivity: the activity takes no new tasks; states already waiting on a worker
    /// keep waiting (their timeouts still apply). Deleting one that does not exist is not
    /// an error.
    pub fn delete_activity(&self, req: ActivityArnInput) -> Result<(), ApiError> {
        let arn: ActivityArn = req.activity_arn.parse()?;
        if self.service.activities.remove(arn.as_str()).is_some() {
            self.service.config.activities.delete(arn.as_str());
            self.forget_resource(kind::ACTIVITIES, arn.as_str());
            self.drop_tags(arn.as_str());
        }
        Ok(())
    }

    /// GetActivityTask: waits up to [`ACTIVITY_POLL`] (or the builder's poll time) for a
    /// task of the activity; no members in the answer when none came.
    pub async fn get_activity_task(
        &self,
        req: GetActivityTaskInput,
    ) -> Result<GetActivityTaskOutput, ApiError> {
        let arn: ActivityArn = req.activity_arn.parse()?;
        let missing =
            || ApiError::ActivityDoesNotExist(format!("Activity Does Not Exist: '{arn}'"));
        if !self.service.activities.contains_key(arn.as_str()) {
            return Err(missing());
        }
        let activities = self.service.config.activities.clone();
        let (key, wait) = (arn.to_string(), self.service.config.activity_poll);
        let (mut tx, rx) = tokio::sync::oneshot::channel();
        // The poll's timer runs on the service's runtime, whatever the caller awaits on. A
        // task is the worker's only once the answer reached the caller; one whose caller
        // went away (a client timeout, a dropped future) is queued again.
        self.service.runtime.spawn_future(async move {
            let taken = tokio::select! {
                t = activities.take(&key, req.worker_name.as_deref(), wait) => t,
                () = tx.closed() => return,
            };
            match taken {
                Ok(Some((delivered, task))) => match tx.send(Ok(Some(delivered))) {
                    Ok(()) => task.confirm(),
                    Err(_) => activities.put_back(&key, task),
                },
                Ok(None) => drop(tx.send(Ok(None))),
                Err(()) => drop(tx.send(Err(()))),
            }
        });
        let taken = rx
            .await
            .map_err(|_| ApiError::InternalFailure("The service is stopping".into()))?
            .map_err(|()| missing())?;
        Ok(match taken {
            Some(d) => GetActivityTaskOutput {
                task_token: Some(d.task_token),
                input: Some(d.input),
            },
            None => GetActivityTaskOutput::default(),
        })
    }

    /// Takes back the activities a data directory holds.
    pub(crate) fn restore_activities(&self) {
        for (arn, entry) in self.load_resources::<ActivityEntry>(kind::ACTIVITIES) {
            self.service.config.activities.create(&arn);
            self.service.activities.insert(arn, entry);
        }
    }
}
