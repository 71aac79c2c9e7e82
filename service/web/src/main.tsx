import { render } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { type Api, apiClient, type MatrixCell, type Me, RANK, type Role } from "./api";
import { type AuthState, describe, OidcClient } from "./auth";
import { sortEnvironments } from "./format";
import { loadSettings, type PageSettings } from "./settings";
import { ApiKeysView } from "./views/api-keys";
import { DoraView } from "./views/dora";
import { MatrixView } from "./views/matrix";
import { ReleaseDialog } from "./views/release-dialog";
import { TimelineView } from "./views/timeline";
import "./styles.css";

type View = "matrix" | "timeline" | "dora" | "keys";
const VIEWS: { id: View; label: string; role: Role }[] = [
  { id: "matrix", label: "What runs where", role: "viewer" },
  { id: "timeline", label: "Timeline", role: "viewer" },
  { id: "dora", label: "DORA metrics", role: "viewer" },
  { id: "keys", label: "API keys", role: "admin" },
];

/** The view lives in the URL fragment so back/forward and bookmarks work; nothing secret ever goes there. */
function viewFromHash(): View {
  const id = location.hash.replace(/^#\/?/, "");
  return VIEWS.some((v) => v.id === id) ? (id as View) : "matrix";
}

function SignedOut({ settings, client, reason }: { settings: PageSettings; client?: OidcClient; reason?: string }) {
  const [error, setError] = useState<string>();
  const { signIn } = settings;
  return (
    <main id="main" class="signed-out">
      <h2>Signed out</h2>
      {reason && (
        <p class="notice" role="status">
          {reason}
        </p>
      )}
      {signIn.kind === "oidc" ? (
        <>
          <p>Sign in with your organisation's account to see what runs where, the release timeline and the DORA metrics.</p>
          <button type="button" class="primary" onClick={() => void client?.signIn().catch((e: unknown) => setError(describe(e)))}>
            Sign in
          </button>
          {error && <p class="notice notice--error" role="alert">{`Sign-in could not start: ${error}`}</p>}
          {signIn.devSignIn && (
            <div class="notice notice--dev">
              <h3>Development sign-in</h3>
              <p>
                This ledger runs with a local development identity provider. Use the user name <code>viewer</code>, <code>deployer</code> or <code>admin</code>{" "}
                (any password) to sign in with that role. To use your organisation's provider, set <code>OIDC_ISSUER</code>, <code>OIDC_AUDIENCE</code> and{" "}
                <code>OIDC_WEB_CLIENT_ID</code> (service/README.md, "Sign-in for the web page").
              </p>
            </div>
          )}
        </>
      ) : (
        <div class="notice">
          <h3>Sign-in is not configured</h3>
          <p>{`This ledger accepts API keys only. To let people sign in here, set ${signIn.missing.join(", ")} and restart the service:`}</p>
          <ul>
            <li>
              <code>OIDC_ISSUER</code>: your identity provider's issuer URL
            </li>
            <li>
              <code>OIDC_AUDIENCE</code>: the audience of the access tokens it issues for this API
            </li>
            <li>
              <code>OIDC_WEB_CLIENT_ID</code>: a public client (authorization code + PKCE) whose redirect URI is this page's address
            </li>
          </ul>
          <p>
            For local development, <code>pnpm --filter @platform/service dev</code> starts a development identity provider for you. See service/README.md.
          </p>
        </div>
      )}
    </main>
  );
}

function SignedIn({ api, client, name, settings }: { api: Api; client: OidcClient; name: string; settings: PageSettings }) {
  const [me, setMe] = useState<Me>();
  const [meError, setMeError] = useState<string>();
  const [view, setView] = useState<View>(viewFromHash);
  const [environments, setEnvironments] = useState<string[]>([]);
  const [timelineEnv, setTimelineEnv] = useState("");
  const [dora, setDora] = useState<{ environment: string; days: 30 | 90 }>({ environment: "", days: 30 });
  const [open, setOpen] = useState<string>();
  const [changes, setChanges] = useState(0);

  useEffect(() => {
    api<Me>("/me").then(setMe, (e: unknown) => setMeError(e instanceof Error ? e.message : String(e)));
    api<{ cells: MatrixCell[] }>("/dashboard/matrix").then(
      (m) => {
        const names = sortEnvironments(m.cells.map((c) => c.environment));
        setEnvironments(names);
        setTimelineEnv((current) => current || (names.includes("prod") ? "prod" : (names[0] ?? "")));
      },
      () => undefined,
    );
    const onHash = () => setView(viewFromHash());
    addEventListener("hashchange", onHash);
    return () => removeEventListener("hashchange", onHash);
  }, [api]);

  const role = me?.role;
  const allowed = VIEWS.filter((v) => role && RANK[role] >= RANK[v.role]);
  const current = allowed.some((v) => v.id === view) ? view : "matrix";
  return (
    <>
      <header class="top">
        <h1>Release ledger</h1>
        <span class="env" title="The environment this ledger runs in">
          {settings.environment}
        </span>
        <nav aria-label="Views">
          {allowed.map((v) => (
            <a key={v.id} href={`#${v.id}`} aria-current={v.id === current ? "page" : undefined}>
              {v.label}
            </a>
          ))}
        </nav>
        <div class="who">
          <span>{name}</span>
          {role && <span class={`role role--${role}`}>{role}</span>}
          <button type="button" class="secondary" onClick={() => void client.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">
        {meError && <p class="notice notice--error" role="alert">{`The ledger did not accept your sign-in: ${meError}`}</p>}
        {role && current === "matrix" && <MatrixView api={api} onOpen={setOpen} />}
        {role && current === "timeline" && timelineEnv && (
          <TimelineView api={api} environment={timelineEnv} environments={environments} onEnvironment={setTimelineEnv} onOpen={setOpen} version={changes} />
        )}
        {role && current === "timeline" && !timelineEnv && <p class="notice">No environment has a release yet.</p>}
        {role && current === "dora" && (
          <DoraView
            api={api}
            environment={dora.environment}
            environments={environments}
            days={dora.days}
            onChange={(environment, days) => setDora({ environment, days })}
          />
        )}
        {role === "admin" && current === "keys" && <ApiKeysView api={api} />}
      </main>
      {open && role && (
        <ReleaseDialog
          api={api}
          id={open}
          canChange={RANK[role] >= RANK.deployer}
          onClose={() => setOpen(undefined)}
          onChanged={() => setChanges((n) => n + 1)}
        />
      )}
    </>
  );
}

function App({ settings }: { settings: PageSettings }) {
  const client = useMemo(() => (settings.signIn.kind === "oidc" ? new OidcClient(settings.signIn) : undefined), [settings]);
  const [auth, setAuth] = useState<AuthState>(client ? { kind: "working" } : { kind: "signed-out" });
  const api = useMemo(
    () =>
      apiClient(
        () => (client?.state.kind === "signed-in" ? client.state.session.accessToken : undefined),
        (message) => client?.expire(message),
      ),
    [client],
  );
  useEffect(() => {
    if (!client) return;
    client.onChange = setAuth;
    client.start().catch((e: unknown) => setAuth({ kind: "signed-out", reason: `Sign-in could not start: ${describe(e)}` }));
  }, [client]);

  if (auth.kind === "working")
    return (
      <main id="main" class="signed-out">
        <p aria-live="polite">Signing in…</p>
      </main>
    );
  if (auth.kind === "signed-out" || !client) {
    return (
      <>
        <header class="top">
          <h1>Release ledger</h1>
          <span class="env">{settings.environment}</span>
        </header>
        <SignedOut settings={settings} {...(client ? { client } : {})} {...(auth.kind === "signed-out" && auth.reason ? { reason: auth.reason } : {})} />
      </>
    );
  }
  return <SignedIn api={api} client={client} name={auth.session.name} settings={settings} />;
}

const root = document.getElementById("app")!;
loadSettings().then(
  (settings) => render(<App settings={settings} />, root),
  (error: unknown) =>
    render(
      <p class="notice notice--error" role="alert">
        {describe(error)}
      </p>,
      root,
    ),
);
