import { Fragment, type ReactNode } from "react";

// The model's Markdown as React elements: headings, paragraphs, lists,
// quotes, fenced code, **bold**, *italic*, `code` and http(s) links. Every
// piece of text goes through React as text, so HTML in the model's answer
// is shown as written, never run or rendered; a link to anything but http(s)
// stays text. Small on purpose: what Claude writes in an analysis, no more.

const inlinePattern = /(\*\*[^*]+\*\*|__[^_]+__|\*[^*\s][^*]*\*|_[^_\s][^_]*_|`[^`]+`|\[[^\]]+\]\([^)\s]+\))/;

function inline(text: string, key: string): ReactNode[] {
  const out: ReactNode[] = [];
  text.split(inlinePattern).forEach((part, i) => {
    const k = `${key}.${i}`;
    if (part === "") return;
    if ((part.startsWith("**") && part.endsWith("**")) || (part.startsWith("__") && part.endsWith("__"))) {
      out.push(<strong key={k}>{inline(part.slice(2, -2), k)}</strong>);
    } else if (part.length > 2 && (part[0] === "*" || part[0] === "_") && part.endsWith(part[0])) {
      out.push(<em key={k}>{inline(part.slice(1, -1), k)}</em>);
    } else if (part.startsWith("`") && part.endsWith("`") && part.length > 2) {
      out.push(<code key={k} className="rounded bg-slate-100 px-1 font-mono text-[0.9em]">{part.slice(1, -1)}</code>);
    } else if (part.startsWith("[") && /^\[[^\]]+\]\([^)\s]+\)$/.test(part)) {
      const label = part.slice(1, part.indexOf("]("));
      const href = part.slice(part.indexOf("](") + 2, -1);
      out.push(
        /^https?:\/\//i.test(href) ? (
          <a key={k} href={href} rel="noopener noreferrer nofollow" target="_blank" className="text-indigo-700 underline">
            {label}
          </a>
        ) : (
          <Fragment key={k}>{part}</Fragment>
        ),
      );
    } else {
      out.push(<Fragment key={k}>{part}</Fragment>);
    }
  });
  return out;
}

type Block =
  | { kind: "heading"; level: number; text: string }
  | { kind: "paragraph"; text: string }
  | { kind: "list"; ordered: boolean; items: string[] }
  | { kind: "quote"; text: string }
  | { kind: "code"; text: string };

export function parseBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const at = (i: number): string => lines[i] ?? "";
  const item = /^\s*([-*+]|\d+[.)])\s+/;
  for (let i = 0; i < lines.length; ) {
    const line = at(i);
    if (line.trim() === "") {
      i++;
      continue;
    }
    if (line.startsWith("```")) {
      const code: string[] = [];
      for (i++; i < lines.length && !at(i).startsWith("```"); i++) code.push(at(i));
      i++; // the closing fence (or the end: a stream still writing it)
      blocks.push({ kind: "code", text: code.join("\n") });
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      blocks.push({ kind: "heading", level: (heading[1] ?? "#").length, text: heading[2] ?? "" });
      i++;
      continue;
    }
    if (item.test(line)) {
      const ordered = /^\s*\d/.test(line);
      const items: string[] = [];
      for (; i < lines.length && item.test(at(i)); i++) items.push(at(i).replace(item, ""));
      blocks.push({ kind: "list", ordered, items });
      continue;
    }
    if (line.startsWith(">")) {
      const quote: string[] = [];
      for (; i < lines.length && at(i).startsWith(">"); i++) quote.push(at(i).replace(/^>\s?/, ""));
      blocks.push({ kind: "quote", text: quote.join(" ") });
      continue;
    }
    const paragraph: string[] = [];
    for (; i < lines.length && at(i).trim() !== "" && !/^(#{1,6}\s|```|>|\s*([-*+]|\d+[.)])\s)/.test(at(i)); i++) {
      paragraph.push(at(i));
    }
    blocks.push({ kind: "paragraph", text: paragraph.join(" ") });
  }
  return blocks;
}

const headingClass = ["text-xl", "text-lg", "text-base", "text-base", "text-sm", "text-sm"];

export function Markdown({ text, className }: { text: string; className?: string }) {
  return (
    <div className={className}>
      {parseBlocks(text).map((b, i) => {
        const key = String(i);
        switch (b.kind) {
          case "heading": {
            const Tag = `h${Math.min(b.level + 2, 6)}` as "h3";
            return <Tag key={key} className={`mt-3 font-semibold ${headingClass[b.level - 1]}`}>{inline(b.text, key)}</Tag>;
          }
          case "list": {
            const List = b.ordered ? "ol" : "ul";
            return (
              <List key={key} className={`my-2 ml-5 ${b.ordered ? "list-decimal" : "list-disc"} space-y-1`}>
                {b.items.map((item, j) => <li key={j}>{inline(item, `${key}.${j}`)}</li>)}
              </List>
            );
          }
          case "quote":
            return <blockquote key={key} className="my-2 border-l-4 border-slate-200 pl-3 text-slate-600">{inline(b.text, key)}</blockquote>;
          case "code":
            return <pre key={key} className="my-2 overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100"><code>{b.text}</code></pre>;
          default:
            return <p key={key} className="my-2 break-words">{inline(b.text, key)}</p>;
        }
      })}
    </div>
  );
}
