/** Mirrors PageSettings in service/src/plugins/web-page.ts: what the page learns before anyone signs in. */
export interface PageSettings {
  environment: string;
  signIn: { kind: "oidc"; issuer: string; clientId: string; scopes: string; devSignIn: boolean } | { kind: "not-configured"; missing: string[] };
}

export type OidcSettings = Extract<PageSettings["signIn"], { kind: "oidc" }>;

export async function loadSettings(): Promise<PageSettings> {
  const response = await fetch("/ui/settings.json", { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`the page settings could not be loaded (HTTP ${response.status})`);
  return (await response.json()) as PageSettings;
}
