import { nextLiveText, type AnalysisStreamEvent } from "@plinth/client";
import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { Markdown } from "@/components/shared/markdown";

describe("Markdown", () => {
  it("renders what an analysis writes", () => {
    const { container } = render(
      <Markdown text={"## Risks\n\n- **late** delivery\n- a `flag`\n\n1. first\n2. second\n\nSee [docs](https://example.com)."} />,
    );
    expect(container.querySelector("h4")?.textContent).toBe("Risks");
    expect(container.querySelectorAll("ul li")).toHaveLength(2);
    expect(container.querySelector("strong")?.textContent).toBe("late");
    expect(container.querySelector("code")?.textContent).toBe("flag");
    expect(container.querySelectorAll("ol li")).toHaveLength(2);
    const link = container.querySelector("a");
    expect(link?.getAttribute("href")).toBe("https://example.com");
    expect(link?.getAttribute("rel")).toContain("noopener");
  });

  it("never renders HTML or script links from the model", () => {
    const hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>\n\n[click](javascript:alert(3))';
    const { container } = render(<Markdown text={hostile} />);
    expect(container.querySelector("img, script")).toBeNull();
    expect(container.querySelector("a")).toBeNull();
    expect(container.textContent).toContain("<script>alert(2)</script>");
    expect(container.textContent).toContain("[click](javascript:alert(3))");
  });

  it("shows an unfinished code fence while the model writes it", () => {
    const { container } = render(<Markdown text={"```\nconst x = 1;"} />);
    expect(container.querySelector("pre")?.textContent).toBe("const x = 1;");
  });
});

describe("nextLiveText", () => {
  it("keeps the current attempt's text and drops an earlier one's", () => {
    const events: AnalysisStreamEvent[] = [
      { event: "status", id: "1-0", data: { status: "running", attempt: 1, error: null, retry_in_s: 0 } },
      { event: "delta", id: "1-1", data: { attempt: 1, text: "Half an ans" } },
      { event: "status", id: "1-2", data: { status: "queued", attempt: 1, error: "overloaded", retry_in_s: 2 } },
      { event: "status", id: "1-3", data: { status: "running", attempt: 2, error: null, retry_in_s: 0 } },
      { event: "delta", id: "1-4", data: { attempt: 2, text: "A whole " } },
      { event: "delta", id: "1-5", data: { attempt: 1, text: "late piece of attempt 1" } },
      { event: "delta", id: "1-6", data: { attempt: 2, text: "answer." } },
    ];
    let live = { attempt: 0, text: "" };
    for (const e of events) live = nextLiveText(live, e);
    expect(live).toEqual({ attempt: 2, text: "A whole answer." });
  });
});
