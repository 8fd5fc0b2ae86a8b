// Who is signed in, for this tab only (sessionStorage). Everything the pages keep is
// kept here and cleared together: signing out or signing in as someone else leaves
// nothing of the previous person behind.
const KEY = "govshare.portal.session";
const SCRATCH = "govshare.portal.scratch.";

export function current() {
  try {
    const value = JSON.parse(sessionStorage.getItem(KEY) || "null");
    if (!value || !value.token || !value.principal) return null;
    if (value.expires_at && Date.now() > value.expires_at) {
      end();
      return null;
    }
    return value;
  } catch {
    return null;
  }
}

export function token() {
  const s = current();
  return s ? s.token : null;
}

export function principal() {
  const s = current();
  return s ? s.principal : null;
}

export function start(token, principal, expiresInSeconds) {
  end(); // never mix two people's state
  const expires_at = expiresInSeconds ? Date.now() + expiresInSeconds * 1000 : null;
  sessionStorage.setItem(KEY, JSON.stringify({ token, principal, expires_at }));
}

export function end() {
  sessionStorage.clear();
}

// Small per-session memory (e.g. the payment id of a pending payment, so that a retry
// is the same payment). Gone with the session.
export function remember(name, value) {
  sessionStorage.setItem(SCRATCH + name, JSON.stringify(value));
}

export function recall(name) {
  try {
    return JSON.parse(sessionStorage.getItem(SCRATCH + name) || "null");
  } catch {
    return null;
  }
}

// The claims of a pasted token, for display only: the services verify it.
export function claimsOf(jwt) {
  const parts = String(jwt).trim().split(".");
  if (parts.length !== 3) throw new Error("令牌格式不对：应为以“.”分隔的三段");
  const b64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
  const padded = b64 + "=".repeat((4 - (b64.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  const claims = JSON.parse(new TextDecoder().decode(bytes));
  return {
    principal: {
      kind: claims.kind,
      subject: claims.sub,
      name: claims.name || "",
      department: claims.dept || "",
      roles: claims.roles || [],
      region: claims.region || "",
    },
    expiresIn: claims.exp ? claims.exp - Math.floor(Date.now() / 1000) : null,
  };
}

export function staffLabel(p) {
  // How the services name a staff member on a case (realestate staff_label).
  return p.name ? `${p.name} (${p.subject})` : p.subject;
}
