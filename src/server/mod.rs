//! Layer 7, the service over HTTP as AWS's SDKs and CLI speak to Step Functions: the AWS
//! JSON 1.0 protocol, `POST /` with `X-Amz-Target: AWSStepFunctions.<Operation>` and a JSON
//! body of the model's members, answered with the output's members or an error shape. So
//! the AWS CLI, boto3 and the SDKs work against it unchanged, with only their endpoint set.
//!
//! Imports the API below it; nothing imports it but the command line.

mod constraints;
mod failure;
mod members;
mod operations;
mod protocol;

use crate::api::StepFunctions;
use actix_web::{web, App, HttpServer};
use std::net::TcpListener;
use std::sync::Arc;

pub use protocol::BODY_LIMIT;

/// Serves `sfn` on `listeners` until the process is told to stop (SIGINT or SIGTERM: the
/// requests in flight finish first). Runs on the calling thread's actix system, which it
/// needs: call it inside `actix_web::rt::System::new().block_on`.
pub async fn serve(sfn: StepFunctions, listeners: Vec<TcpListener>) -> std::io::Result<()> {
    serve_with_metrics(sfn, listeners, None).await
}

/// What `GET /metrics` answers: the metrics' text in Prometheus' exposition format.
pub type MetricsText = Arc<dyn Fn() -> String + Send + Sync>;

/// [`serve`], answering `GET /metrics` (beside the AWS protocol's `POST /`) with
/// `metrics` when given.
pub async fn serve_with_metrics(
    sfn: StepFunctions,
    listeners: Vec<TcpListener>,
    metrics: Option<MetricsText>,
) -> std::io::Result<()> {
    let state = web::Data::new(sfn);
    let mut server = HttpServer::new(move || {
        let app = App::new().app_data(state.clone());
        let app = match metrics.clone() {
            Some(text) => app.route(
                "/metrics",
                web::get().to(move || {
                    let text = Arc::clone(&text);
                    async move {
                        actix_web::HttpResponse::Ok()
                            .content_type("text/plain; version=0.0.4")
                            .body(text())
                    }
                }),
            ),
            None => app,
        };
        app.default_service(web::to(protocol::handle))
    })
    // An answer goes out whole at once, not held back waiting for the client's ack of the
    // one before (Nagle), which cost a keep-alive client most of a millisecond a request.
    .on_connect(|conn, _| {
        if let Some(tcp) = conn.downcast_ref::<actix_web::rt::net::TcpStream>() {
            let _ = tcp.set_nodelay(true);
        }
    })
    // The runtime's own arbiters run the executions; the server only parses and answers.
    .workers(1);
    for l in listeners {
        server = server.listen(l)?;
    }
    server.run().await
}
