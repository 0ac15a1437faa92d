/** Headers on every answer: no MIME sniffing, no framing by other sites, no Referer sent on from the page or the docs. */
export const securityHeaders = { 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' } as const;

/**
 * The chat page's Content-Security-Policy: its own module script and stylesheet, fetches to its own API, the
 * `data:,` icon; nothing inline, no plugins, frames, `<base>` or form targets, and no site may frame it.
 */
export const pageContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
