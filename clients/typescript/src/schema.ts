export interface paths {
    "/api/v1/analyses/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get analysis. */
        get: operations["AnalysisService_GetAnalysis"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analyses/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stops the analysis (idempotent).
         * @description Stops the analysis (idempotent). Queued, or running before its model call: cancelled and its credit refunded. Running with the model call in flight: cancelled, the call dropped within a second, the credit kept (the model's tokens were spent). An analysis already over is answered as it is.
         */
        post: operations["AnalysisService_CancelAnalysis"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analyses/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The analysis as it runs: its live log after `last_event_id`, else `after` (exclusive; from the start when both are empty), then `done` with the analysis as it ended, and the stream ends.
         * @description The analysis as it runs: its live log after `last_event_id`, else `after` (exclusive; from the start when both are empty), then `done` with the analysis as it ended, and the stream ends. An analysis already over answers `done` at once. The gateway serves it as Server-Sent Events (docs/API.md, "Streams").
         */
        get: operations["AnalysisService_WatchAnalysis"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/billing/checkout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create checkout session. */
        post: operations["BillingService_CreateCheckoutSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/billing/credit-packs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One-time purchases of credits (no authentication). */
        get: operations["BillingService_ListCreditPacks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/billing/credit-packs/checkout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Checkout in payment mode for a credit pack: its credits are added once the payment succeeds (checkout.session.completed), exactly once. */
        post: operations["BillingService_BuyCreditPack"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/billing/plans": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** No authentication. */
        get: operations["BillingService_ListPlans"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/billing/portal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create portal session. */
        post: operations["BillingService_CreatePortalSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/operator/analyses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Operators (CALLER_OPERATOR; every action audited in operator_audit).
         * @description Operators (CALLER_OPERATOR; every action audited in operator_audit). Analyses of every user, newest first, filtered.
         */
        get: operations["AnalysisService_ListOperatorAnalyses"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/operator/analyses/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancels analyses of any user (those named, or every queued or running one the filter matches), as CancelAnalysis does for its owner. */
        post: operations["AnalysisService_CancelAnalyses"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/operator/analyses/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Runs failed analyses again (those named, or every failed one the filter matches): a new attempt, never a new charge (the credit taken at creation is the one; a retry that fails again is not refunded twice).
         * @description Runs failed analyses again (those named, or every failed one the filter matches): a new attempt, never a new charge (the credit taken at creation is the one; a retry that fails again is not refunded twice). Idempotent: one already queued or running again is left as it is.
         */
        post: operations["AnalysisService_RetryAnalyses"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/operator/billing/reconcile": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Operators: every account with a Stripe customer compared with Stripe's subscriptions and paid invoices; what differs is repaired and reported (also every BILLING_RECONCILE_INTERVAL_SECONDS). */
        post: operations["BillingService_ReconcileBilling"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/operator/billing/sync": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Operators: the catalog read again from Stripe's products and prices now (it is also read at start, every BILLING_CATALOG_REFRESH_SECONDS and on product and price events). */
        post: operations["BillingService_SyncCatalog"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/operator/queue": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The queue's figures: how much waits, for how long, what runs, what failed. */
        get: operations["AnalysisService_GetJobStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/profiles/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Returns the caller's profile, creating it on first sight of the token. */
        get: operations["ProfileService_GetMyProfile"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Partial update: only the fields named in the body change; null clears. */
        patch: operations["ProfileService_UpdateMyProfile"];
        trace?: never;
    };
    "/api/v1/resources": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List resources. */
        get: operations["ResourceService_ListResources"];
        put?: never;
        /** Create resource. */
        post: operations["ResourceService_CreateResource"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/resources/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get resource. */
        get: operations["ResourceService_GetResource"];
        put?: never;
        post?: never;
        /** Delete resource. */
        delete: operations["ResourceService_DeleteResource"];
        options?: never;
        head?: never;
        /** Update resource. */
        patch: operations["ResourceService_UpdateResource"];
        trace?: never;
    };
    "/api/v1/resources/{resource_id}/analyses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List analyses. */
        get: operations["AnalysisService_ListAnalyses"];
        put?: never;
        /**
         * Queues an analysis (202).
         * @description Queues an analysis (202). Consumes one credit.
         */
        post: operations["AnalysisService_CreateAnalysis"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/stripe": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stripe's events, verified with the Stripe-Signature header.
         * @description Stripe's events, verified with the Stripe-Signature header. No HTTP rule on purpose: the gateway serves the route with a plain handler that passes the exact raw body, which JSON transcoding would not preserve.
         */
        post: operations["BillingService_HandleStripeWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The gateway process is alive.
         * @description Not rate limited: for the kubelet's liveness probe.
         */
        get: operations["Operations_Healthz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This document. */
        get: operations["Operations_OpenAPI"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every backend's gRPC health service answers SERVING.
         * @description Not rate limited; answered from a one-second cache. A 503 names the backends that are not ready in `details` (never their addresses).
         */
        get: operations["Operations_Readyz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Analysis: {
            /** Format: int32 */
            attempts: number;
            /** Format: date-time */
            completed_at: string | null;
            /** Format: date-time */
            created_at: string;
            error: string | null;
            /** Format: uuid */
            id: string;
            model: string | null;
            output: string | null;
            prompt: string;
            /** Format: uuid */
            resource_id: string;
            /** Format: date-time */
            started_at: string | null;
            /** @enum {string} */
            status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
            usage: components["schemas"]["Usage"];
        };
        /** @description The next piece of the attempt's text. */
        AnalysisDeltaEvent: {
            /** Format: int32 */
            attempt: number;
            text: string;
        };
        AnalysisResponse: {
            data: components["schemas"]["Analysis"];
            /** @constant */
            success: true;
        };
        /** @description An attempt starts (`running`: text starts afresh, drop an earlier attempt's), or failed and another comes (`queued`, with the error and when). */
        AnalysisStatusEvent: {
            /** Format: int32 */
            attempt: number;
            error: string | null;
            /** Format: int32 */
            retry_in_s: number;
            /** @enum {string} */
            status: "queued" | "running";
        };
        /** @description The stream cannot go on (the analysis was deleted): the stream ends. */
        AnalysisStreamError: {
            code: string;
            message: string;
        };
        /** @description One difference between an account and Stripe, repaired. */
        BillingDrift: {
            /** @description "subscription_status", "subscription_tier", "subscription_id", "current_period_end" or "invoice_credits". */
            field: string;
            local: string;
            stripe: string;
            user_id: string;
        };
        BuyCreditPackRequest: {
            /**
             * Format: uri
             * @example http://127.0.0.1:3000/billing?checkout=cancel
             */
            cancel_url: string;
            /**
             * @description A pack's price id (GET /billing/credit-packs).
             * @example price_pack_50
             */
            price_id: string;
            /**
             * Format: uri
             * @example http://127.0.0.1:3000/billing?checkout=success
             */
            success_url: string;
        };
        CatalogSummary: {
            /** Format: int32 */
            credit_packs: number;
            /** Format: int32 */
            plans: number;
            /**
             * Format: int32
             * @description Active prices Plinth could not use (their product has no plinth_tier or plinth_credits metadata, or an interval other than month or year).
             */
            skipped_prices: number;
        };
        CheckoutSession: {
            /** Format: uri */
            checkout_url: string;
            session_id: string;
        };
        CheckoutSessionResponse: {
            data: components["schemas"]["CheckoutSession"];
            /** @constant */
            success: true;
        };
        CreateAnalysisBody: {
            /**
             * @description The instruction to the model; the default one when absent or empty.
             * @default Summarise this resource in a few sentences, then list its key points.
             * @example Summarise the risks.
             */
            prompt?: string | null;
        };
        CreateCheckoutSessionRequest: {
            /**
             * Format: uri
             * @example http://127.0.0.1:3000/billing?checkout=cancel
             */
            cancel_url: string;
            /**
             * @description Which of the plan's prices: "month" (when absent) or "year".
             * @default month
             * @enum {string|null}
             */
            interval?: "month" | "year" | null;
            /**
             * Format: uri
             * @description Where Stripe sends the browser back; an http(s) URL on one of the application's origins (PLINTH_CORS_ORIGINS).
             * @example http://127.0.0.1:3000/billing?checkout=success
             */
            success_url: string;
            /**
             * @description A paid plan's tier (GET /billing/plans).
             * @example pro
             */
            tier: string;
        };
        CreatePortalSessionRequest: {
            /**
             * Format: uri
             * @description An http(s) URL on one of the application's origins (PLINTH_CORS_ORIGINS).
             * @example http://127.0.0.1:3000/billing
             */
            return_url: string;
        };
        CreateResourceRequest: {
            /**
             * @default
             * @example Revenue grew 12%.
             *     Costs were flat.
             */
            content?: string | null;
            /**
             * @description The application's own labels and settings for the resource. A JSON object of at most 16384 bytes (compact).
             * @default {}
             * @example {
             *       "tags": [
             *         "q3"
             *       ]
             *     }
             */
            metadata?: {
                [key: string]: components["schemas"]["JsonValue"];
            } | null;
            /** @example Quarterly notes */
            title: string;
        };
        CreditPack: {
            /** Format: int32 */
            credits: number;
            currency: string;
            name: string;
            /** @description The pack's one-time price (BuyCreditPack). */
            price_id: string;
            /** Format: int32 */
            unit_amount: number;
        };
        /** @description Every error, whoever detected it (docs/ERRORS.md). */
        ErrorEnvelope: {
            error: {
                /**
                 * @description Stable; switch on it, not on the message.
                 * @enum {string}
                 */
                code: "CONFLICT" | "DEADLINE_EXCEEDED" | "FORBIDDEN" | "INSUFFICIENT_CREDITS" | "INTERNAL" | "METHOD_NOT_ALLOWED" | "NOT_FOUND" | "NOT_IMPLEMENTED" | "PAYLOAD_TOO_LARGE" | "RATE_LIMITED" | "UNAUTHENTICATED" | "UNAVAILABLE" | "VALIDATION_ERROR";
                /** @description One entry per bad field or parameter (VALIDATION_ERROR), or per backend that is not ready (/readyz). */
                details: {
                    field: string;
                    issue: string;
                }[];
                /** @description For people; may change. */
                message: string;
                /** @description Also in the X-Request-Id header; quote it when reporting a problem. */
                request_id: string;
            };
            /** @constant */
            success: false;
        };
        JobStats: {
            /** Format: int32 */
            failed_last_hour: number;
            /**
             * Format: int32
             * @description Failed analyses no operator retried or looked past: the dead letters.
             */
            failed_total: number;
            /**
             * Format: int32
             * @description How long the oldest queued analysis has waited since it was created.
             */
            oldest_queued_seconds: number;
            /**
             * Format: int32
             * @description The provider's 429s (rate limited) the workers got in the last 5 minutes.
             */
            provider_rate_limited_last_5m: number;
            /**
             * Format: int32
             * @description Entries on the job stream and analyses waiting out a back-off.
             */
            queue_depth: number;
            /** Format: int32 */
            queued: number;
            /** Format: int32 */
            running: number;
            /** Format: int32 */
            succeeded_last_hour: number;
            /** @description The workers that read the queue in the last 10 minutes, or still hold analyses. */
            workers: components["schemas"]["WorkerLoad"][];
        };
        JobStatsResponse: {
            data: components["schemas"]["JobStats"];
            /** @constant */
            success: true;
        };
        JsonText: string;
        /** @description Any JSON value; no string in it (object keys included) may contain U+0000. */
        JsonValue: JsonValue;
        ListAnalysesResponse: {
            data: components["schemas"]["Analysis"][];
            meta: components["schemas"]["PageMeta"];
            /** @constant */
            success: true;
        };
        ListCreditPacksResponse: {
            data: components["schemas"]["CreditPack"][];
            /** @constant */
            success: true;
        };
        ListOperatorAnalysesResponse: {
            data: components["schemas"]["OperatorAnalysis"][];
            meta: components["schemas"]["PageMeta"];
            /** @constant */
            success: true;
        };
        ListPlansResponse: {
            data: components["schemas"]["Plan"][];
            /** @constant */
            success: true;
        };
        ListResourcesResponse: {
            data: components["schemas"]["Resource"][];
            meta: components["schemas"]["PageMeta"];
            /** @constant */
            success: true;
        };
        /** @description The analyses an operator acts on: `ids`, or else every one `status`, `user_id`, `max_age_minutes` and `error_contains` match (at most `max`). */
        OperatorActionRequest: {
            error_contains?: string | null;
            ids?: string[];
            /**
             * Format: int32
             * @description At most this many analyses by filter (1000 when absent).
             * @default 1000
             */
            max?: number | null;
            /** Format: int32 */
            max_age_minutes?: number | null;
            /** @description Why (kept in the audit row). */
            reason?: string | null;
            /** Format: uuid */
            user_id?: string | null;
        };
        OperatorActionResponse: {
            data: components["schemas"]["OperatorActionResult"];
            /** @constant */
            success: true;
        };
        OperatorActionResult: {
            /**
             * Format: int64
             * @description The audit row that records it.
             */
            audit_id: string;
            /** @description The analyses the action changed (those already as asked are not). */
            ids: string[];
        };
        /** @description An analysis and whose it is. */
        OperatorAnalysis: {
            analysis: components["schemas"]["Analysis"];
            /** Format: uuid */
            user_id: string;
        };
        /** @description Pagination block of every list response (`meta` in the REST envelope). */
        PageMeta: {
            /** Format: int32 */
            limit: number;
            /** Format: int32 */
            page: number;
            /** Format: int32 */
            total: number;
            /** Format: int32 */
            total_pages: number;
        };
        Plan: {
            /** @description What the plan includes (the product's marketing features). */
            features: string[];
            /**
             * Format: int32
             * @description Credits granted each month (a yearly price grants twelve months' at once).
             */
            monthly_credits: number;
            name: string;
            /** @description The monthly price's id; null for the free tier (prices lists every price). */
            price_id: string | null;
            /** @description The plan's active prices, monthly first; empty for the free tier. */
            prices: components["schemas"]["Price"][];
            tier: string;
        };
        PortalSession: {
            /** Format: uri */
            portal_url: string;
        };
        PortalSessionResponse: {
            data: components["schemas"]["PortalSession"];
            /** @constant */
            success: true;
        };
        /** @description A price of the catalog, as Stripe has it. */
        Price: {
            /** @description ISO 4217, lowercase ("usd"). */
            currency: string;
            id: string;
            /**
             * @description Billing interval of a plan's price: "month" or "year".
             * @enum {string}
             */
            interval: "month" | "year";
            /**
             * Format: int32
             * @description In the currency's smallest unit (cents), as Stripe gives it.
             */
            unit_amount: number;
        };
        Profile: {
            avatar_url: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: int32 */
            credits_remaining: number;
            email: string | null;
            full_name: string | null;
            /** Format: uuid */
            id: string;
            /** @description The subscription ends at subscription_current_period_end (cancelled in the portal); the plan stays until then. */
            subscription_cancel_at_period_end: boolean;
            /** Format: date-time */
            subscription_current_period_end: string | null;
            /**
             * Format: date-time
             * @description past_due since then: a renewal's payment failed; the plan stays for the grace period (BILLING_GRACE_DAYS), then the account falls to free.
             */
            subscription_past_due_since: string | null;
            /**
             * @description free, trialing, active, past_due, canceled, unpaid, incomplete, incomplete_expired, paused
             * @enum {string}
             */
            subscription_status: "free" | "trialing" | "active" | "past_due" | "canceled" | "unpaid" | "incomplete" | "incomplete_expired" | "paused";
            subscription_tier: string;
            /** Format: date-time */
            updated_at: string;
        };
        /** @description The fields a user may change. Anything else in the body is rejected. */
        ProfilePatch: {
            /**
             * Format: uri
             * @description An https URL of at most 2048 characters; null clears it.
             * @example https://example.com/ada.png
             */
            avatar_url?: string | null;
            /**
             * @description At most 255 characters; null clears it.
             * @example Ada Lovelace
             */
            full_name?: string | null;
        };
        ProfileResponse: {
            data: components["schemas"]["Profile"];
            /** @constant */
            success: true;
        };
        ReconcileBillingRequest: Record<string, never>;
        ReconcileBillingResponse: {
            data: components["schemas"]["ReconcileReport"];
            /** @constant */
            success: true;
        };
        ReconcileReport: {
            /** Format: int32 */
            accounts_checked: number;
            drifts: components["schemas"]["BillingDrift"][];
            /**
             * Format: int32
             * @description Accounts Stripe could not be asked about (they are tried again next time).
             */
            errors: number;
        };
        Resource: {
            /** @description In a list, the first 2,000 characters only (content_truncated tells); GET /resources/{id} has it whole. So a page of 100 stays a few MB, however large the resources. */
            content: string;
            /** @description True when `content` is a list's preview of a longer text. */
            content_truncated: boolean;
            /** Format: date-time */
            created_at: string;
            /** Format: uuid */
            id: string;
            metadata: {
                [key: string]: components["schemas"]["JsonValue"];
            };
            /** @enum {string} */
            status: "pending" | "processing" | "completed" | "failed" | "archived";
            title: string;
            /** Format: date-time */
            updated_at: string;
            /** Format: uuid */
            user_id: string;
        };
        ResourcePatch: {
            content?: string;
            /** @description Replaces the whole object; {} clears it. A JSON object of at most 16384 bytes (compact). */
            metadata?: {
                [key: string]: components["schemas"]["JsonValue"];
            };
            /**
             * @description Users may only archive a resource or put it back to pending.
             * @enum {string}
             */
            status?: "archived" | "pending";
            title?: string;
        };
        ResourceResponse: {
            data: components["schemas"]["Resource"];
            /** @constant */
            success: true;
        };
        StripeWebhookResponse: {
            data: components["schemas"]["WebhookReceipt"];
            /** @constant */
            success: true;
        };
        SyncCatalogRequest: Record<string, never>;
        SyncCatalogResponse: {
            data: components["schemas"]["CatalogSummary"];
            /** @constant */
            success: true;
        };
        /** @description Tokens the provider reported for the analysis's successful attempt. */
        Usage: {
            /**
             * Format: int32
             * @description The prompt cache's share of the input: read from it, written to it.
             */
            cache_read_input_tokens: number;
            /** Format: int32 */
            cache_write_input_tokens: number;
            /** Format: int32 */
            input_tokens: number;
            /** Format: int32 */
            output_tokens: number;
        };
        WebhookReceipt: {
            duplicate: boolean;
            received: boolean;
        };
        WorkerLoad: {
            /**
             * Format: int32
             * @description Seconds since it last read the queue (a live worker reads every few seconds).
             */
            idle_seconds: number;
            /**
             * Format: int32
             * @description Analyses it took and has not finished (running or waiting for a slot).
             */
            in_flight: number;
            /** @description The worker's queue consumer name (its host name and process id). */
            name: string;
        };
    };
    responses: {
        /** @description 409 CONFLICT: The request conflicts with the current state; the message says how. */
        Conflict: {
            headers: {
                "X-Request-Id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description 504 DEADLINE_EXCEEDED: The backend did not answer in time. */
        DeadlineExceeded: {
            headers: {
                "X-Request-Id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description 403 FORBIDDEN: Not allowed. */
        Forbidden: {
            headers: {
                "X-Request-Id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description 402 INSUFFICIENT_CREDITS: No credit left: buy a plan (POST /api/v1/billing/checkout). */
        InsufficientCredits: {
            headers: {
                "X-Request-Id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description 500 INTERNAL: An unexpected error; the request id finds it in the logs. */
        Internal: {
            headers: {
                "X-Request-Id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description 404 NOT_FOUND: No such route, or a row that is missing or another user's (the two are indistinguishable). */
        NotFound: {
            headers: {
                "X-Request-Id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description 413 PAYLOAD_TOO_LARGE: The body is over the gateway's limit (1 MiB by default). */
        PayloadTooLarge: {
            headers: {
                "X-Request-Id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description 429 RATE_LIMITED: Too many requests: retry after Retry-After seconds. */
        RateLimited: {
            headers: {
                /** @description Seconds until the window resets. */
                "Retry-After": number;
                "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                "X-Request-Id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description 401 UNAUTHENTICATED: Missing, invalid or expired bearer token. */
        Unauthenticated: {
            headers: {
                "X-Request-Id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description 503 UNAVAILABLE: A dependency is down, busy or not configured; retry later (Retry-After when known). */
        Unavailable: {
            headers: {
                "X-Request-Id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description 400 VALIDATION_ERROR: A bad field, parameter or body; `details` names each. */
        ValidationError: {
            headers: {
                "X-Request-Id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: {
        /** @description Requests allowed per window for this caller (absent if the limiter's store is unreachable). */
        RateLimitLimit: number;
        /** @description Requests left in the current window. */
        RateLimitRemaining: number;
        /** @description When the window resets, in Unix seconds. */
        RateLimitReset: number;
        /** @description The request's id (the caller's X-Request-Id when sane, else a new one); in every log line of the request. */
        RequestId: string;
    };
    pathItems: never;
}
export type SchemaAnalysis = components['schemas']['Analysis'];
export type SchemaAnalysisDeltaEvent = components['schemas']['AnalysisDeltaEvent'];
export type SchemaAnalysisResponse = components['schemas']['AnalysisResponse'];
export type SchemaAnalysisStatusEvent = components['schemas']['AnalysisStatusEvent'];
export type SchemaAnalysisStreamError = components['schemas']['AnalysisStreamError'];
export type SchemaBillingDrift = components['schemas']['BillingDrift'];
export type SchemaBuyCreditPackRequest = components['schemas']['BuyCreditPackRequest'];
export type SchemaCatalogSummary = components['schemas']['CatalogSummary'];
export type SchemaCheckoutSession = components['schemas']['CheckoutSession'];
export type SchemaCheckoutSessionResponse = components['schemas']['CheckoutSessionResponse'];
export type SchemaCreateAnalysisBody = components['schemas']['CreateAnalysisBody'];
export type SchemaCreateCheckoutSessionRequest = components['schemas']['CreateCheckoutSessionRequest'];
export type SchemaCreatePortalSessionRequest = components['schemas']['CreatePortalSessionRequest'];
export type SchemaCreateResourceRequest = components['schemas']['CreateResourceRequest'];
export type SchemaCreditPack = components['schemas']['CreditPack'];
export type SchemaErrorEnvelope = components['schemas']['ErrorEnvelope'];
export type SchemaJobStats = components['schemas']['JobStats'];
export type SchemaJobStatsResponse = components['schemas']['JobStatsResponse'];
export type SchemaJsonText = components['schemas']['JsonText'];
export type SchemaJsonValue = components['schemas']['JsonValue'];
export type SchemaListAnalysesResponse = components['schemas']['ListAnalysesResponse'];
export type SchemaListCreditPacksResponse = components['schemas']['ListCreditPacksResponse'];
export type SchemaListOperatorAnalysesResponse = components['schemas']['ListOperatorAnalysesResponse'];
export type SchemaListPlansResponse = components['schemas']['ListPlansResponse'];
export type SchemaListResourcesResponse = components['schemas']['ListResourcesResponse'];
export type SchemaOperatorActionRequest = components['schemas']['OperatorActionRequest'];
export type SchemaOperatorActionResponse = components['schemas']['OperatorActionResponse'];
export type SchemaOperatorActionResult = components['schemas']['OperatorActionResult'];
export type SchemaOperatorAnalysis = components['schemas']['OperatorAnalysis'];
export type SchemaPageMeta = components['schemas']['PageMeta'];
export type SchemaPlan = components['schemas']['Plan'];
export type SchemaPortalSession = components['schemas']['PortalSession'];
export type SchemaPortalSessionResponse = components['schemas']['PortalSessionResponse'];
export type SchemaPrice = components['schemas']['Price'];
export type SchemaProfile = components['schemas']['Profile'];
export type SchemaProfilePatch = components['schemas']['ProfilePatch'];
export type SchemaProfileResponse = components['schemas']['ProfileResponse'];
export type SchemaReconcileBillingRequest = components['schemas']['ReconcileBillingRequest'];
export type SchemaReconcileBillingResponse = components['schemas']['ReconcileBillingResponse'];
export type SchemaReconcileReport = components['schemas']['ReconcileReport'];
export type SchemaResource = components['schemas']['Resource'];
export type SchemaResourcePatch = components['schemas']['ResourcePatch'];
export type SchemaResourceResponse = components['schemas']['ResourceResponse'];
export type SchemaStripeWebhookResponse = components['schemas']['StripeWebhookResponse'];
export type SchemaSyncCatalogRequest = components['schemas']['SyncCatalogRequest'];
export type SchemaSyncCatalogResponse = components['schemas']['SyncCatalogResponse'];
export type SchemaUsage = components['schemas']['Usage'];
export type SchemaWebhookReceipt = components['schemas']['WebhookReceipt'];
export type SchemaWorkerLoad = components['schemas']['WorkerLoad'];
export type ResponseConflict = components['responses']['Conflict'];
export type ResponseDeadlineExceeded = components['responses']['DeadlineExceeded'];
export type ResponseForbidden = components['responses']['Forbidden'];
export type ResponseInsufficientCredits = components['responses']['InsufficientCredits'];
export type ResponseInternal = components['responses']['Internal'];
export type ResponseNotFound = components['responses']['NotFound'];
export type ResponsePayloadTooLarge = components['responses']['PayloadTooLarge'];
export type ResponseRateLimited = components['responses']['RateLimited'];
export type ResponseUnauthenticated = components['responses']['Unauthenticated'];
export type ResponseUnavailable = components['responses']['Unavailable'];
export type ResponseValidationError = components['responses']['ValidationError'];
export type HeaderRateLimitLimit = components['headers']['RateLimitLimit'];
export type HeaderRateLimitRemaining = components['headers']['RateLimitRemaining'];
export type HeaderRateLimitReset = components['headers']['RateLimitReset'];
export type HeaderRequestId = components['headers']['RequestId'];
export type $defs = Record<string, never>;
export interface operations {
    AnalysisService_GetAnalysis: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK. */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalysisResponse"];
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
            504: components["responses"]["DeadlineExceeded"];
        };
    };
    AnalysisService_CancelAnalysis: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK. */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalysisResponse"];
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
            504: components["responses"]["DeadlineExceeded"];
        };
    };
    AnalysisService_WatchAnalysis: {
        parameters: {
            query?: {
                /** @description The id of the last event received (`Last-Event-ID`): the stream goes on after it, nothing lost or repeated. */
                after?: string;
            };
            header?: {
                /** @description The same, as EventSource sends it when it reconnects: wins over `after` (the URL's, which a reconnection repeats). */
                "Last-Event-ID"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A stream of Server-Sent Events. */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": {
                        data: string;
                        /** @enum {string} */
                        event: "status" | "delta" | "done" | "error";
                        id?: string;
                        retry?: number;
                    } & ({
                        data?: unknown;
                        /** @constant */
                        event: "status";
                    } | {
                        data?: unknown;
                        /** @constant */
                        event: "delta";
                    } | {
                        data?: unknown;
                        /** @constant */
                        event: "done";
                    } | {
                        data?: unknown;
                        /** @constant */
                        event: "error";
                    });
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
            504: components["responses"]["DeadlineExceeded"];
        };
    };
    BillingService_CreateCheckoutSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateCheckoutSessionRequest"];
            };
        };
        responses: {
            /** @description OK. */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CheckoutSessionResponse"];
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthenticated"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
            504: components["responses"]["DeadlineExceeded"];
        };
    };
    BillingService_ListCreditPacks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK. */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListCreditPacksResponse"];
                };
            };
            429: components["responses"]["RateLimited"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
            504: components["responses"]["DeadlineExceeded"];
        };
    };
    BillingService_BuyCreditPack: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BuyCreditPackRequest"];
            };
        };
        responses: {
            /** @description OK. */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CheckoutSessionResponse"];
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthenticated"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
            504: components["responses"]["DeadlineExceeded"];
        };
    };
    BillingService_ListPlans: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK. */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListPlansResponse"];
                };
            };
            429: components["responses"]["RateLimited"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
            504: components["responses"]["DeadlineExceeded"];
        };
    };
    BillingService_CreatePortalSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreatePortalSessionRequest"];
            };
        };
        responses: {
            /** @description OK. */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PortalSessionResponse"];
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthenticated"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
            504: components["responses"]["DeadlineExceeded"];
        };
    };
    AnalysisService_ListOperatorAnalyses: {
        parameters: {
            query?: {
                status?: "queued" | "running" | "succeeded" | "failed" | "cancelled";
                user_id?: string;
                /** @description Created at most this many minutes ago. */
                max_age_minutes?: number;
                /** @description The error contains this text (case-insensitive). */
                error_contains?: string;
                page?: number;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK. */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListOperatorAnalysesResponse"];
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
            504: components["responses"]["DeadlineExceeded"];
        };
    };
    AnalysisService_CancelAnalyses: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["OperatorActionRequest"];
            };
        };
        responses: {
            /** @description OK. */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OperatorActionResponse"];
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
            504: components["responses"]["DeadlineExceeded"];
        };
    };
    AnalysisService_RetryAnalyses: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["OperatorActionRequest"];
            };
        };
        responses: {
            /** @description OK. */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OperatorActionResponse"];
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
            504: components["responses"]["DeadlineExceeded"];
        };
    };
    BillingService_ReconcileBilling: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ReconcileBillingRequest"];
            };
        };
        responses: {
            /** @description OK. */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReconcileBillingResponse"];
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
            504: components["responses"]["DeadlineExceeded"];
        };
    };
    BillingService_SyncCatalog: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["SyncCatalogRequest"];
            };
        };
        responses: {
            /** @description OK. */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SyncCatalogResponse"];
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
            504: components["responses"]["DeadlineExceeded"];
        };
    };
    AnalysisService_GetJobStats: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK. */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobStatsResponse"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
            504: components["responses"]["DeadlineExceeded"];
        };
    };
    ProfileService_GetMyProfile: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK. */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProfileResponse"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
            504: components["responses"]["DeadlineExceeded"];
        };
    };
    ProfileService_UpdateMyProfile: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Only the keys present change; at least one is required. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProfilePatch"];
            };
        };
        responses: {
            /** @description OK. */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProfileResponse"];
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthenticated"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
            504: components["responses"]["DeadlineExceeded"];
        };
    };
    ResourceService_ListResources: {
        parameters: {
            query?: {
                page?: number;
                limit?: number;
                /** @description Only resources in this status; all when absent. */
                status?: "pending" | "processing" | "completed" | "failed" | "archived";
                /** @description A leading "-" sorts descending. */
                sort?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "title" | "-title";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK. */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListResourcesResponse"];
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthenticated"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
            504: components["responses"]["DeadlineExceeded"];
        };
    };
    ResourceService_CreateResource: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateResourceRequest"];
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResourceResponse"];
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthenticated"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
            504: components["responses"]["DeadlineExceeded"];
        };
    };
    ResourceService_GetResource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK. */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResourceResponse"];
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
            504: components["responses"]["DeadlineExceeded"];
        };
    };
    ResourceService_DeleteResource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no body. */
            204: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
            504: components["responses"]["DeadlineExceeded"];
        };
    };
    ResourceService_UpdateResource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        /** @description Only the keys present change; at least one is required. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["ResourcePatch"];
            };
        };
        responses: {
            /** @description OK. */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResourceResponse"];
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
            504: components["responses"]["DeadlineExceeded"];
        };
    };
    AnalysisService_ListAnalyses: {
        parameters: {
            query?: {
                page?: number;
                limit?: number;
            };
            header?: never;
            path: {
                resource_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK. */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListAnalysesResponse"];
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
            504: components["responses"]["DeadlineExceeded"];
        };
    };
    AnalysisService_CreateAnalysis: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                resource_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["CreateAnalysisBody"];
            };
        };
        responses: {
            /** @description Accepted. */
            202: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalysisResponse"];
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthenticated"];
            402: components["responses"]["InsufficientCredits"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
            504: components["responses"]["DeadlineExceeded"];
        };
    };
    BillingService_HandleStripeWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The event exactly as Stripe sent it. */
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description OK. */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StripeWebhookResponse"];
                };
            };
            400: components["responses"]["ValidationError"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
            504: components["responses"]["DeadlineExceeded"];
        };
    };
    Operations_Healthz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Alive. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @constant */
                            status: "ok";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
        };
    };
    Operations_OpenAPI: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI 3.1 document. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    Operations_Readyz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @constant */
                            status: "ready";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            503: components["responses"]["Unavailable"];
        };
    };
}

/** Any JSON value (no string in it may contain U+0000). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
