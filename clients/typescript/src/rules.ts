// Generated from openapi.json by scripts/generate.mjs (clients/generate.sh): do not edit.
// Each request and response field's rules as the API states them.

/** Rules of the schemas' fields (components.schemas). */
export const fieldRules = {
  "Analysis": {
    "attempts": {
      "minimum": 0,
      "format": "int32"
    },
    "completed_at": {
      "format": "date-time",
      "nullable": true
    },
    "created_at": {
      "format": "date-time"
    },
    "error": {
      "nullable": true
    },
    "id": {
      "format": "uuid",
      "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    },
    "model": {
      "nullable": true
    },
    "output": {
      "nullable": true
    },
    "resource_id": {
      "format": "uuid",
      "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    },
    "started_at": {
      "format": "date-time",
      "nullable": true
    },
    "status": {
      "enum": [
        "queued",
        "running",
        "succeeded",
        "failed",
        "cancelled"
      ]
    }
  },
  "AnalysisDeltaEvent": {
    "attempt": {
      "minimum": 1,
      "format": "int32"
    }
  },
  "AnalysisStatusEvent": {
    "attempt": {
      "minimum": 1,
      "format": "int32"
    },
    "error": {
      "nullable": true
    },
    "retry_in_s": {
      "minimum": 0,
      "format": "int32"
    },
    "status": {
      "enum": [
        "queued",
        "running"
      ]
    }
  },
  "BuyCreditPackRequest": {
    "cancel_url": {
      "minLength": 1,
      "maxLength": 2048,
      "format": "uri",
      "pattern": "^https?://[^/?#@\\s]+([/?#]\\S*)?$"
    },
    "price_id": {
      "minLength": 1,
      "maxLength": 255,
      "pattern": "^[^\\x00-\\x1F\\x7F-\\x9F]*$"
    },
    "success_url": {
      "minLength": 1,
      "maxLength": 2048,
      "format": "uri",
      "pattern": "^https?://[^/?#@\\s]+([/?#]\\S*)?$"
    }
  },
  "CatalogSummary": {
    "credit_packs": {
      "format": "int32"
    },
    "plans": {
      "format": "int32"
    },
    "skipped_prices": {
      "format": "int32"
    }
  },
  "CheckoutSession": {
    "checkout_url": {
      "format": "uri",
      "pattern": "^https?://[^/?#@\\s]+([/?#]\\S*)?$"
    }
  },
  "CreateAnalysisBody": {
    "prompt": {
      "maxLength": 4000,
      "default": "Summarise this resource in a few sentences, then list its key points.",
      "pattern": "^[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F]*$",
      "nullable": true
    }
  },
  "CreateCheckoutSessionRequest": {
    "cancel_url": {
      "minLength": 1,
      "maxLength": 2048,
      "format": "uri",
      "pattern": "^https?://[^/?#@\\s]+([/?#]\\S*)?$"
    },
    "interval": {
      "enum": [
        "month",
        "year"
      ],
      "default": "month",
      "nullable": true
    },
    "success_url": {
      "minLength": 1,
      "maxLength": 2048,
      "format": "uri",
      "pattern": "^https?://[^/?#@\\s]+([/?#]\\S*)?$"
    },
    "tier": {
      "minLength": 1,
      "pattern": "^[^\\x00-\\x1F\\x7F-\\x9F]*$"
    }
  },
  "CreatePortalSessionRequest": {
    "return_url": {
      "minLength": 1,
      "maxLength": 2048,
      "format": "uri",
      "pattern": "^https?://[^/?#@\\s]+([/?#]\\S*)?$"
    }
  },
  "CreateResourceRequest": {
    "content": {
      "maxLength": 100000,
      "default": "",
      "pattern": "^[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F]*$",
      "nullable": true
    },
    "metadata": {
      "default": {},
      "nullable": true
    },
    "title": {
      "minLength": 1,
      "maxLength": 200,
      "pattern": "^[^\\x00-\\x1F\\x7F-\\x9F]*$"
    }
  },
  "CreditPack": {
    "credits": {
      "minimum": 1,
      "format": "int32"
    },
    "unit_amount": {
      "minimum": 0,
      "format": "int32"
    }
  },
  "JobStats": {
    "failed_last_hour": {
      "format": "int32"
    },
    "failed_total": {
      "format": "int32"
    },
    "oldest_queued_seconds": {
      "format": "int32"
    },
    "provider_rate_limited_last_5m": {
      "minimum": 0,
      "format": "int32"
    },
    "queue_depth": {
      "format": "int32"
    },
    "queued": {
      "format": "int32"
    },
    "running": {
      "format": "int32"
    },
    "succeeded_last_hour": {
      "format": "int32"
    }
  },
  "OperatorActionRequest": {
    "error_contains": {
      "minLength": 1,
      "maxLength": 200,
      "pattern": "^[^\\x00-\\x1F\\x7F-\\x9F]*$",
      "nullable": true
    },
    "max": {
      "minimum": 1,
      "maximum": 1000,
      "default": 1000,
      "format": "int32",
      "nullable": true
    },
    "max_age_minutes": {
      "minimum": 1,
      "maximum": 525600,
      "format": "int32",
      "nullable": true
    },
    "reason": {
      "maxLength": 500,
      "pattern": "^[^\\x00-\\x1F\\x7F-\\x9F]*$",
      "nullable": true
    },
    "user_id": {
      "format": "uuid",
      "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
      "nullable": true
    }
  },
  "OperatorActionResult": {
    "audit_id": {
      "format": "int64",
      "pattern": "^-?[0-9]+$"
    }
  },
  "OperatorAnalysis": {
    "user_id": {
      "format": "uuid",
      "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    }
  },
  "PageMeta": {
    "limit": {
      "minimum": 1,
      "format": "int32"
    },
    "page": {
      "minimum": 1,
      "format": "int32"
    },
    "total": {
      "minimum": 0,
      "format": "int32"
    },
    "total_pages": {
      "minimum": 0,
      "format": "int32"
    }
  },
  "Plan": {
    "monthly_credits": {
      "minimum": 0,
      "format": "int32"
    },
    "price_id": {
      "nullable": true
    }
  },
  "PortalSession": {
    "portal_url": {
      "format": "uri",
      "pattern": "^https?://[^/?#@\\s]+([/?#]\\S*)?$"
    }
  },
  "Price": {
    "interval": {
      "enum": [
        "month",
        "year"
      ]
    },
    "unit_amount": {
      "minimum": 0,
      "format": "int32"
    }
  },
  "Profile": {
    "avatar_url": {
      "nullable": true
    },
    "created_at": {
      "format": "date-time"
    },
    "credits_remaining": {
      "minimum": 0,
      "format": "int32"
    },
    "email": {
      "nullable": true
    },
    "full_name": {
      "nullable": true
    },
    "id": {
      "format": "uuid",
      "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    },
    "subscription_current_period_end": {
      "format": "date-time",
      "nullable": true
    },
    "subscription_past_due_since": {
      "format": "date-time",
      "nullable": true
    },
    "subscription_status": {
      "enum": [
        "free",
        "trialing",
        "active",
        "past_due",
        "canceled",
        "unpaid",
        "incomplete",
        "incomplete_expired",
        "paused"
      ]
    },
    "updated_at": {
      "format": "date-time"
    }
  },
  "ProfilePatch": {
    "avatar_url": {
      "maxLength": 2048,
      "format": "uri",
      "pattern": "^https://[^/?#@\\s]+([/?#]\\S*)?$",
      "nullable": true
    },
    "full_name": {
      "minLength": 1,
      "maxLength": 255,
      "pattern": "^[^\\x00-\\x1F\\x7F-\\x9F]*$",
      "nullable": true
    }
  },
  "ReconcileReport": {
    "accounts_checked": {
      "format": "int32"
    },
    "errors": {
      "format": "int32"
    }
  },
  "Resource": {
    "created_at": {
      "format": "date-time"
    },
    "id": {
      "format": "uuid",
      "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    },
    "status": {
      "enum": [
        "pending",
        "processing",
        "completed",
        "failed",
        "archived"
      ]
    },
    "updated_at": {
      "format": "date-time"
    },
    "user_id": {
      "format": "uuid",
      "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    }
  },
  "ResourcePatch": {
    "content": {
      "maxLength": 100000,
      "pattern": "^[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F]*$"
    },
    "status": {
      "enum": [
        "archived",
        "pending"
      ]
    },
    "title": {
      "minLength": 1,
      "maxLength": 200,
      "pattern": "^[^\\x00-\\x1F\\x7F-\\x9F]*$"
    }
  },
  "Usage": {
    "cache_read_input_tokens": {
      "minimum": 0,
      "format": "int32"
    },
    "cache_write_input_tokens": {
      "minimum": 0,
      "format": "int32"
    },
    "input_tokens": {
      "minimum": 0,
      "format": "int32"
    },
    "output_tokens": {
      "minimum": 0,
      "format": "int32"
    }
  },
  "WorkerLoad": {
    "idle_seconds": {
      "minimum": 0,
      "format": "int32"
    },
    "in_flight": {
      "minimum": 0,
      "format": "int32"
    }
  }
} as const;

/** Rules of each operation's query parameters, by operationId. */
export const queryRules = {
  "AnalysisService_WatchAnalysis": {
    "after": {
      "maxLength": 41,
      "pattern": "^([0-9]{1,19}-[0-9]{1,19})?$"
    }
  },
  "AnalysisService_ListOperatorAnalyses": {
    "status": {
      "enum": [
        "queued",
        "running",
        "succeeded",
        "failed",
        "cancelled"
      ]
    },
    "user_id": {
      "format": "uuid",
      "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    },
    "max_age_minutes": {
      "minimum": 1,
      "maximum": 525600,
      "format": "int32"
    },
    "error_contains": {
      "minLength": 1,
      "maxLength": 200,
      "pattern": "^[^\\x00-\\x1F\\x7F-\\x9F]*$"
    },
    "page": {
      "minimum": 1,
      "maximum": 1000000,
      "default": 1,
      "format": "int32"
    },
    "limit": {
      "minimum": 1,
      "maximum": 100,
      "default": 20,
      "format": "int32"
    }
  },
  "ResourceService_ListResources": {
    "page": {
      "minimum": 1,
      "maximum": 1000000,
      "default": 1,
      "format": "int32"
    },
    "limit": {
      "minimum": 1,
      "maximum": 100,
      "default": 20,
      "format": "int32"
    },
    "status": {
      "enum": [
        "pending",
        "processing",
        "completed",
        "failed",
        "archived"
      ]
    },
    "sort": {
      "enum": [
        "created_at",
        "-created_at",
        "updated_at",
        "-updated_at",
        "title",
        "-title"
      ],
      "default": "-created_at"
    }
  },
  "AnalysisService_ListAnalyses": {
    "page": {
      "minimum": 1,
      "maximum": 1000000,
      "default": 1,
      "format": "int32"
    },
    "limit": {
      "minimum": 1,
      "maximum": 100,
      "default": 20,
      "format": "int32"
    }
  }
} as const;
