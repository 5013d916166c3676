//! What the unit tests of the state steps share: a definition parsed into its states, the
//! context object a state reads, and a seeded random source.

use crate::asl::model::{State, StateMachine};
use crate::data::{ContextObject, ExecutionInfo};
use rand::rngs::SmallRng;
use rand::SeedableRng;
use serde_json::Value;

/// A parsed definition and an execution to run its states in.
pub(crate) struct Fixture {
    machine: StateMachine,
    info: ExecutionInfo,
}

impl Fixture {
    /// Parses `definition`, which must be valid.
    pub(crate) fn new(definition: Value) -> Self {
        let machine = match crate::asl::parse_value(&definition) {
            Ok(m) => m,
            Err(report) => panic!("the test's definition is invalid: {report:?}"),
        };
        Fixture {
            machine,
            info: crate::data::context::test_execution(),
        }
    }

    /// The top-level state called `name`.
    pub(crate) fn state(&self, name: &str) -> &State {
        let id = self
            .machine
            .body
            .find(name)
            .expect("a state of the definition");
        self.machine.body.state(id)
    }

    /// The id of the top-level state called `name`.
    pub(crate) fn machine_state(&self, name: &str) -> crate::asl::model::StateId {
        self.machine
            .body
            .find(name)
            .expect("a state of the definition")
    }

    /// The context object of state `name`, entered at the Unix epoch.
    pub(crate) fn context<'a>(&'a self, name: &'a str) -> ContextObject<'a> {
        ContextObject::new(&self.info, name, chrono::DateTime::UNIX_EPOCH)
    }
}

/// The same random source in every test.
pub(crate) fn rng() -> SmallRng {
    SmallRng::seed_from_u64(7)
}
