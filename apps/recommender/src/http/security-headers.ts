import { createHash } from 'node:crypto';

/** Headers on every answer: no MIME sniffing, no framing by other sites, no Referer sent on from the page or the docs. */
export const securityHeaders = { 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' } as const;

/**
 * The chat page's Content-Security-Policy: its own module script and stylesheet, fetches to its own API, the
 * `data:,` icon; nothing inline, no plugins, frames, `<base>` or form targets, and no site may frame it.
 */
export const pageContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The one inline style the docs UI needs: the `<style>` element of Swagger UI's top-bar logo (an SVG drawn by
 * `swagger-ui-standalone-preset.js`, `createElement("style", null, …)`), allowed by its hash rather than `'unsafe-inline'`.
 */
export const docsLogoStyle = '.logo_small_svg__cls-2{fill:#fff}.logo_small_svg__cls-3{fill:#85ea2d}';

/**
 * The Content-Security-Policy of the OpenAPI docs under `/docs` (Swagger UI): its own scripts, stylesheets and
 * favicons, the logo's `<style>` by hash, `data:` images (the CSS's icons, the logo), fetches to its own origin (the
 * document, "Try it out"); nothing else inline (no `'unsafe-inline'`, no `'unsafe-eval'`), and no site may frame it.
 */
export const docsContentSecurityPolicy = `default-src 'none'; script-src 'self'; style-src 'self' 'sha256-${createHash('sha256').update(docsLogoStyle).digest('base64')}'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
