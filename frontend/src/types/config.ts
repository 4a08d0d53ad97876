/** What the browser needs to know; the server reads it at request time (lib/config.ts). */
export interface PublicConfig {
  /** The gateway's base URL as the browser reaches it. */
  apiUrl: string;
  /** "supabase" when NEXT_PUBLIC_SUPABASE_URL is set, "dev" for the local dev sign-in, else "none". */
  authMode: "supabase" | "dev" | "none";
  supabaseUrl: string | null;
  supabaseAnonKey: string | null;
}
