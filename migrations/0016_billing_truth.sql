-- Billing follows Stripe's current objects (issue #28): an account keeps
-- when its subscription went past_due (the grace period counts from then;
-- BILLING_GRACE_DAYS) and whether it ends at the period's end; operators'
-- billing actions (catalog sync, reconcile) are audited like theirs on
-- analyses, by the billing service.

alter table public.billing_accounts
  add column past_due_since timestamptz,
  add column subscription_cancel_at_period_end boolean not null default false;

grant update (past_due_since, subscription_cancel_at_period_end) on public.billing_accounts to plinth_billing;
-- The profile shows them (the banner of a failed payment, "ends on …").
grant select (past_due_since, subscription_cancel_at_period_end) on public.billing_accounts to plinth_profile;

alter table public.operator_audit drop constraint operator_audit_action_check;
alter table public.operator_audit add constraint operator_audit_action_check
  check (action in ('retry', 'cancel', 'billing_sync', 'billing_reconcile'));
grant insert on public.operator_audit to plinth_billing;
create policy operator_audit_insert_by_billing_service on public.operator_audit for insert to plinth_billing
  with check (action in ('billing_sync', 'billing_reconcile'));
