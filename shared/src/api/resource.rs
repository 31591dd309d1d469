//! A resource's routes, declared once and read two ways.
//!
//! `resource_routes!` takes groups of handlers, one path per group (as
//! `utoipa_axum::routes!` wants), and defines in the resource's module:
//! - `documented_router()`: the routes with their OpenAPI path items and
//!   schemas, which the published document is built from;
//! - `router()`: the same routes as plain axum routes, from each handler's
//!   path and methods alone. Every server serves these: building the path
//!   items only to drop them cost each Lambda's cold start time and linked
//!   every schema into it (docs/decisions/0018-lambda-size-profile.md).
//!
//! An optional `layer = …` is applied to both.

use axum::handler::Handler;
use axum::routing::MethodRouter;
use utoipa::openapi::path::HttpMethod;
use utoipa_axum::PathItemExt;

use super::AppState;

/// Adds `handler` to `router` for each of its documented methods.
pub(super) fn on<H, T>(
    router: MethodRouter<AppState>,
    methods: Vec<HttpMethod>,
    handler: H,
) -> MethodRouter<AppState>
where
    H: Handler<T, AppState>,
    T: 'static,
{
    methods.iter().fold(router, |router, method| {
        router.on(method.to_method_filter(), handler.clone())
    })
}

macro_rules! resource_routes {
    ($( [$first:ident $(, $rest:ident)* $(,)?] ),+ $(, layer = $layer:expr)? $(,)?) => {
        /// The routes with their OpenAPI path items (`api::openapi::document`).
        pub(super) fn documented_router() -> utoipa_axum::router::OpenApiRouter<AppState> {
            let router = utoipa_axum::router::OpenApiRouter::new()
                $(.routes(utoipa_axum::routes!($first $(, $rest)*)))+;
            $(let router = router.layer($layer);)?
            router
        }

        /// The same routes without their documentation.
        pub(super) fn router() -> axum::Router<AppState> {
            // `#[utoipa::path]` puts each handler's path and methods on a
            // `__path_<handler>` type; utoipa-axum's own macro reads them the same way.
            let router = axum::Router::new()
                $(.route(
                    &utoipa_axum::paste! { <[<__path_ $first>] as utoipa::Path>::path() },
                    {
                        let methods = $crate::api::resource::on(
                            axum::routing::MethodRouter::new(),
                            utoipa_axum::paste! { <[<__path_ $first>] as utoipa::Path>::methods() },
                            $first,
                        );
                        $(let methods = $crate::api::resource::on(
                            methods,
                            utoipa_axum::paste! { <[<__path_ $rest>] as utoipa::Path>::methods() },
                            $rest,
                        );)*
                        methods
                    },
                ))+;
            $(let router = router.layer($layer);)?
            router
        }
    };
}
