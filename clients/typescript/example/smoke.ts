// Uses the client against a running gateway, as an app would:
//   PLINTH_API_URL=http://127.0.0.1:8080 PLINTH_TOKEN=... npm run example
// (./plinth test runs it against the test stack; `./plinth token` makes a token.)
import assert from "node:assert/strict";

import { createPlinthClient, nextLiveText, PlinthApiError, type LiveText } from "../src/index.js";

const baseUrl = process.env.PLINTH_API_URL ?? "http://127.0.0.1:8080";
const token = process.env.PLINTH_TOKEN;
if (!token) throw new Error("set PLINTH_TOKEN (./plinth token --sub UUID)");

const plinth = createPlinthClient({ baseUrl, getToken: () => token });

const profile = await plinth.profiles.me();
console.log(`profile ${profile.id}: ${profile.credits_remaining} credits, ${profile.subscription_status}`);

const created = await plinth.resources.create({ title: "Typed client notes", content: "Created from TypeScript." });
assert.equal(created.status, "pending");

const page = await plinth.resources.list({ limit: 10, sort: "-created_at" });
assert.ok(page.data.some((r) => r.id === created.id), "the new resource is listed");
console.log(`listed ${page.data.length} of ${page.meta.total} resources`);

const renamed = await plinth.resources.update(created.id, { title: "Typed client notes (renamed)" });
assert.equal(renamed.title, "Typed client notes (renamed)");

// Errors arrive as PlinthApiError with the contract's code and details.
try {
  await plinth.resources.get("00000000-0000-4000-8000-000000000000");
  assert.fail("a missing resource must be an error");
} catch (e) {
  assert.ok(e instanceof PlinthApiError);
  assert.equal(e.status, 404);
  assert.equal(e.code, "NOT_FOUND");
  assert.ok(e.requestId, "the error carries its request id");
}
try {
  await plinth.resources.create({ title: "" });
  assert.fail("an empty title must be refused");
} catch (e) {
  assert.ok(e instanceof PlinthApiError);
  assert.equal(e.code, "VALIDATION_ERROR");
  assert.ok(e.fieldErrors()["title"], "the issue is reported on the title field");
}

// An analysis watched as it runs: every piece of text once, then the end.
const analysis = await plinth.analyses.create(created.id, { prompt: "Summarise in a few words." });
let live: LiveText = { attempt: 0, text: "" };
const kinds = new Set<string>();
const ended = await plinth.analyses.watch(analysis.id, {
  onEvent: (event) => {
    kinds.add(event.event);
    live = nextLiveText(live, event);
  },
});
assert.equal(ended.status, "succeeded");
assert.equal(live.text, ended.output, "the live text is the stored output");
assert.ok(kinds.has("done"), "the stream ends with done");
// Cancelling a finished analysis leaves it as it is.
assert.equal((await plinth.analyses.cancel(analysis.id)).status, "succeeded");
console.log(`watched analysis ${analysis.id}: ${[...kinds].join(", ")}`);

const plans = await createPlinthClient({ baseUrl }).billing.plans(); // public: no token
assert.ok(plans.length > 0);

console.log("example: ok");
