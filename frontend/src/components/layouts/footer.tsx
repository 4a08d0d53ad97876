export function Footer() {
  return (
    <footer className="border-t border-slate-200 py-6 text-center text-xs text-slate-500">
      Plinth — a C++ gRPC backend with its Next.js frontend.
    </footer>
  );
}
