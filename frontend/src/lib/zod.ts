import { z } from "zod";

// The Content-Security-Policy forbids eval: without this Zod probes
// `Function("")` for its compiled validators and the browser reports a
// violation (Lighthouse's best practices count it). Every form takes Zod
// from here.
z.config({ jitless: true });

export { z };
