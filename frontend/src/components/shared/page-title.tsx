/** The document's title for a client page (React hoists <title> into <head>). */
export function PageTitle({ children }: { children: string }) {
  const text = children.length > 60 ? `${children.slice(0, 60)}…` : children;
  return <title>{`${text} · Plinth`}</title>;
}
