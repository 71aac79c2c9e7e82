// Query parameters our routes define. Anything else a client sends (?api_key=, ?token=, ?access_token=…)
// may be a credential pasted into a URL, so its value never reaches a log line.
const LOGGABLE_PARAMS = new Set(["service", "environment", "status", "limit", "cursor", "days"]);

/** The request URL with the value of every query parameter outside LOGGABLE_PARAMS replaced. */
export function redactUrl(url: string): string {
  const mark = url.indexOf("?");
  if (mark === -1) return url;
  const query = url
    .slice(mark + 1)
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      const name = eq === -1 ? pair : pair.slice(0, eq);
      if (LOGGABLE_PARAMS.has(name)) return pair;
      // A bare `?rlk_…` is a name without a value: it goes too.
      return eq === -1 ? "[redacted]" : `${name}=[redacted]`;
    });
  return `${url.slice(0, mark)}?${query.join("&")}`;
}
