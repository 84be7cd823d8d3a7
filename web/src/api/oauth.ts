// Connecting a forge account through the forge's OAuth authorization, in a
// pop-up window so the page that asked (the pipeline wizard) keeps its
// state: the forge sends the pop-up back to /oauth/callback, which hands
// the code to this page over a BroadcastChannel and closes.

/** The channel the callback page hands the forge's answer over. */
export const oauthChannel = 'wheelhouse-oauth';

/** The console's callback page, where the forge sends the browser back. */
export const oauthRedirectURI = () => `${window.location.origin}/oauth/callback`;

/** What the forge sent back: a code, or an error (RFC 6749 §4.1.2). */
export interface OAuthAnswer {
  state: string;
  code?: string;
  error?: string;
  errorDescription?: string;
}

/** answerOf reads the forge's answer from the callback's query. */
export function answerOf(search: string): OAuthAnswer {
  const q = new URLSearchParams(search);
  return {
    state: q.get('state') ?? '',
    code: q.get('code') ?? undefined,
    error: q.get('error') ?? undefined,
    errorDescription: q.get('error_description') ?? undefined,
  };
}

/** OAuthClosed: the pop-up was closed before the forge answered. */
export class OAuthClosed extends Error {}

/**
 * awaitAnswer waits for the forge's answer of state from the pop-up, or
 * rejects with OAuthClosed once the pop-up is closed without one.
 */
export function awaitAnswer(popup: Window, state: string): Promise<OAuthAnswer> {
  return new Promise((resolve, reject) => {
    const channel = new BroadcastChannel(oauthChannel);
    const done = () => {
      channel.close();
      clearInterval(watch);
    };
    channel.onmessage = (ev: MessageEvent<OAuthAnswer>) => {
      if (ev.data?.state !== state) return;
      done();
      resolve(ev.data);
    };
    // A closed pop-up's answer may still be on its way: look twice.
    let closedSeen = false;
    const watch = setInterval(() => {
      if (!popup.closed) return;
      if (closedSeen) {
        done();
        reject(new OAuthClosed());
      }
      closedSeen = true;
    }, 500);
  });
}
