"""The fake Anthropic server, held to the official Python SDK (PyPI
`anthropic`, pinned in requirements.txt): every answer must parse into the
SDK's own types, and every error class must raise the SDK's own exception."""

import anthropic
import pytest

from conftest import ANTHROPIC_KEY, fake_control

MODEL = "claude-sonnet-5"


def client(base, key=ANTHROPIC_KEY):
    # No retries: each call sees exactly one answer of the fake.
    return anthropic.Anthropic(api_key=key, base_url=base, max_retries=0)


def test_sdk_sends_what_the_worker_sends():
    # The worker sends the current version and the SDK's auth header; if a new
    # SDK moves on, this says so.
    assert anthropic._constants.ANTHROPIC_API_VERSION == "2026-10-21"


def test_message_parses_into_sdk_types(fake_anthropic):
    message = client(fake_anthropic).messages.create(
        model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "one two three"}])
    assert isinstance(message, anthropic.types.Message)
    assert message.type == "message" and message.role == "assistant" and message.model == MODEL
    assert message.stop_reason == "end_turn"
    assert message.content[0].type == "text" and message.content[0].text == "Fake analysis of 3 words."
    assert message.usage.input_tokens == 3 and message.usage.output_tokens == 5


def test_legacy_x_api_key_is_accepted_too(fake_anthropic):
    c = anthropic.Anthropic(api_key=None, auth_token=None, base_url=fake_anthropic, max_retries=0,
                            default_headers={"x-api-key": ANTHROPIC_KEY, "anthropic-version": "2023-06-01"})
    assert c.messages.create(model=MODEL, max_tokens=8, messages=[{"role": "user", "content": "hi"}]).content


def test_models_api(fake_anthropic):
    c = client(fake_anthropic)
    info = c.models.retrieve(MODEL)
    assert isinstance(info, anthropic.types.ModelInfo) and info.id == MODEL and info.type == "model"
    assert MODEL in [m.id for m in c.models.list()]
    with pytest.raises(anthropic.NotFoundError):
        c.models.retrieve("claude-sonnet-4-20250514")


@pytest.mark.parametrize("step,exception", [
    ("429", anthropic.RateLimitError),
    ("529", anthropic.OverloadedError),
    ("500", anthropic.InternalServerError),
    ("400", anthropic.BadRequestError),
    ("401", anthropic.AuthenticationError),
    ("gone", anthropic.NotFoundError),
])
def test_error_classes(fake_anthropic, step, exception):
    with pytest.raises(exception) as raised:
        client(fake_anthropic).messages.create(
            model=MODEL, max_tokens=8, messages=[{"role": "user", "content": "[fake:%s] %s" % (step, id(exception))}])
    body = raised.value.body
    assert body["type"] == "error" and body["error"]["type"] and body["error"]["message"]
    assert raised.value.request_id
    if step == "429":
        assert raised.value.response.headers["retry-after"] == "1"


def test_bad_key_and_retired_model(fake_anthropic):
    with pytest.raises(anthropic.AuthenticationError):
        client(fake_anthropic, key="sk-ant-wrong").messages.create(
            model=MODEL, max_tokens=8, messages=[{"role": "user", "content": "hi"}])
    fake_control(fake_anthropic, "retire", "claude-opus-5")
    try:
        with pytest.raises(anthropic.NotFoundError):
            client(fake_anthropic).messages.create(
                model="claude-opus-5", max_tokens=8, messages=[{"role": "user", "content": "hi"}])
        with pytest.raises(anthropic.NotFoundError):
            client(fake_anthropic).models.retrieve("claude-opus-5")
    finally:
        fake_control(fake_anthropic, "restore", "claude-opus-5")


def test_stream_through_the_sdks_streaming_helper(fake_anthropic):
    # The events the worker reads, as the SDK's MessageStream accumulates them.
    with client(fake_anthropic).messages.stream(
            model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "one two three [fake-pace:5]"}]) as stream:
        pieces = list(stream.text_stream)
        final = stream.get_final_message()
    assert len(pieces) == 5 and "".join(pieces) == "Fake analysis of 4 words."
    assert isinstance(final, anthropic.types.Message) and final.stop_reason == "end_turn"
    assert final.content[0].text == "Fake analysis of 4 words."
    assert final.usage.input_tokens == 4 and final.usage.output_tokens == 5
    assert final.usage.cache_read_input_tokens == 0 and final.usage.cache_creation_input_tokens == 0


def test_an_error_event_mid_stream_raises_the_sdks_error(fake_anthropic):
    with pytest.raises(anthropic.APIStatusError) as raised:
        with client(fake_anthropic).messages.stream(
                model=MODEL, max_tokens=64,
                messages=[{"role": "user", "content": "[fake:overloaded-midstream] a b c d e f"}]) as stream:
            for _ in stream.text_stream:
                pass
    assert "overloaded_error" in str(raised.value)
