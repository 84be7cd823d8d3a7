// Package console holds the web console's end-to-end tests: Playwright
// (playwright-core from web/node_modules) drives Debian's chromium against a
// real server, with the console embedded, and a real sandbox cluster.
package console
