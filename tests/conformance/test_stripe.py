"""The fake Stripe server, held to the official Python SDK (PyPI `stripe`,
pinned in requirements.txt): the calls the billing service makes, parsed
into the SDK's objects; idempotent replay; Stripe's error objects raising
the SDK's exceptions."""

import pytest
import stripe


def client(base, key="sk_test_conformance"):
    return stripe.StripeClient(key, base_addresses={"api": base}, max_network_retries=0)


def test_customer_checkout_and_portal(fake_stripe):
    c = client(fake_stripe)
    customer = c.v1.customers.create(params={"email": "a@example.com", "metadata": {"user_id": "u-1"}})
    assert isinstance(customer, stripe.Customer) and customer.id.startswith("cus_")
    assert customer.email == "a@example.com" and customer.metadata["user_id"] == "u-1"
    session = c.v1.checkout.sessions.create(params={
        "mode": "subscription", "customer": customer.id, "client_reference_id": "u-1",
        "line_items": [{"price": "price_pro_monthly", "quantity": 1}],
        "success_url": "https://app.example.com/s", "cancel_url": "https://app.example.com/c"})
    assert isinstance(session, stripe.checkout.Session)
    assert session.id.startswith("cs_test_") and session.url.startswith("http") and session.mode == "subscription"
    portal = c.v1.billing_portal.sessions.create(params={"customer": customer.id, "return_url": "https://app.example.com/a"})
    assert isinstance(portal, stripe.billing_portal.Session) and portal.url.startswith("http")
    # A one-time price in subscription mode is refused as Stripe refuses it.
    with pytest.raises(stripe.InvalidRequestError):
        c.v1.checkout.sessions.create(params={
            "mode": "subscription", "customer": customer.id, "line_items": [{"price": "price_pack_50", "quantity": 1}],
            "success_url": "https://app.example.com/s", "cancel_url": "https://app.example.com/c"})
    pack = c.v1.checkout.sessions.create(params={
        "mode": "payment", "customer": customer.id, "metadata": {"plinth_credits": "50"},
        "line_items": [{"price": "price_pack_50", "quantity": 1}],
        "success_url": "https://app.example.com/s", "cancel_url": "https://app.example.com/c"})
    assert pack.mode == "payment" and pack.metadata["plinth_credits"] == "50" and pack.payment_status == "unpaid"
    assert c.v1.checkout.sessions.retrieve(pack.id).id == pack.id


def test_catalog_subscriptions_and_invoices_read_as_the_sdk_reads_them(fake_stripe):
    c = client(fake_stripe)
    prices = c.v1.prices.list(params={"active": True, "expand": ["data.product"], "limit": 100})
    assert isinstance(prices, stripe.ListObject) and prices.has_more is False and len(prices.data) == 5
    pro = next(p for p in prices.data if p.id == "price_pro_monthly")
    assert isinstance(pro, stripe.Price) and isinstance(pro.product, stripe.Product)
    assert pro.recurring.interval == "month" and pro.unit_amount == 1900 and pro.product.metadata["plinth_tier"] == "pro"
    assert pro.product.marketing_features[0].name
    page = c.v1.prices.list(params={"limit": 2})
    assert len(page.data) == 2 and page.has_more
    after = c.v1.prices.list(params={"limit": 2, "starting_after": page.data[-1].id})
    assert not {p.id for p in after.data} & {p.id for p in page.data}
    subs = c.v1.subscriptions.list(params={"customer": "cus_none", "status": "all", "limit": 100})
    assert isinstance(subs, stripe.ListObject) and subs.data == []
    invoices = c.v1.invoices.list(params={"customer": "cus_none", "status": "paid", "created": {"gte": 0}})
    assert isinstance(invoices, stripe.ListObject)
    with pytest.raises(stripe.InvalidRequestError) as raised:
        c.v1.subscriptions.retrieve("sub_nope")
    assert raised.value.http_status == 404


def test_idempotent_replay(fake_stripe):
    c = client(fake_stripe)
    first = c.v1.customers.create(params={"email": "b@example.com"}, options={"idempotency_key": "conf-key-1"})
    again = c.v1.customers.create(params={"email": "b@example.com"}, options={"idempotency_key": "conf-key-1"})
    assert first.id == again.id
    assert again.last_response.headers.get("Idempotent-Replayed") == "true"


def test_errors(fake_stripe):
    with pytest.raises(stripe.AuthenticationError) as raised:
        client(fake_stripe, key="sk_live_wrong").v1.customers.create(params={"email": "c@example.com"})
    assert raised.value.error.type == "invalid_request_error" and raised.value.http_status == 401
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client(fake_stripe).v1.customers.retrieve("cus_nope")
    assert raised.value.http_status == 404 and raised.value.error.message


def test_signature_header_of_the_sdk_verifies_with_the_sdk():
    payload = '{"id":"evt_1","object":"event","type":"invoice.paid","created":1,"data":{"object":{}}}'
    header = stripe.WebhookSignature.generate_signature_header(payload, "whsec_conformance")
    assert stripe.Webhook.construct_event(payload, header, "whsec_conformance").id == "evt_1"
