export const metadata = { title: "About" };

export default function AboutPage() {
  return (
    <article className="prose max-w-2xl space-y-4 text-slate-700">
      <h1 className="text-3xl font-bold text-slate-900">About Plinth</h1>
      <p>
        Plinth is a SaaS starter: C++ gRPC services behind a REST gateway, PostgreSQL with row-level security, Redis,
        Stripe billing and Claude analyses run as background jobs — and this Next.js app on top of its typed client.
      </p>
      <p>Your data is yours: every row is scoped to your account by the database itself.</p>
    </article>
  );
}
