import { NextResponse } from "next/server";

/**
 * The kubelet's probe (k8s/base/frontend.yaml): answers while this server
 * serves, whatever the gateway's state, so that a gateway outage restarts no
 * frontend pod (pages explain that outage to the user themselves).
 */
export const dynamic = "force-dynamic";

export function GET() {
  return NextResponse.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}
