// live.js — the server's event stream (GET /api/events/stream, SSE) for pages that follow
// what happens: one EventSource, resumed by the browser with Last-Event-ID after a drop.
// subscribe({onCase, onAnnouncement, onResync, onState, onAlert, onCluster, onCall}) → unsubscribe.

export function subscribe({ onCase, onAnnouncement, onResync, onState, onAlert, onCluster, onCall } = {}) {
  let es = null;
  let closed = false;
  const open = () => {
    es = new EventSource('/api/events/stream');
    es.addEventListener('open', () => onState && onState('open'));
    es.addEventListener('error', () => {
      if (onState) onState(es.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
      // EventSource retries by itself (retry: 2000); a closed one (e.g. a 503) we reopen
      if (es.readyState === EventSource.CLOSED && !closed) setTimeout(open, 3000);
    });
    es.addEventListener('case', (m) => {
      if (!onCase) return;
      try { onCase(JSON.parse(m.data), Number(m.lastEventId) || 0); } catch (e) { console.error(e); }
    });
    es.addEventListener('announcement', (m) => {
      if (!onAnnouncement) return;
      try { onAnnouncement(JSON.parse(m.data)); } catch (e) { console.error(e); }
    });
    es.addEventListener('resync', () => onResync && onResync());
    // urgent-word alerts and duplicate clusters, published by the server when it has them;
    // `call`: a call this call-taker answered (the server sends it to that user's stream only)
    for (const [type, fn] of [['alert', onAlert], ['cluster', onCluster], ['call', onCall]]) {
      if (fn) es.addEventListener(type, (m) => { try { fn(JSON.parse(m.data)); } catch (e) { console.error(e); } });
    }
  };
  open();
  return () => { closed = true; if (es) es.close(); };
}

/** Calls fn at most once per `ms`, at the end of a burst. */
export function debounce(fn, ms) {
  let timer = null;
  return (...a) => { clearTimeout(timer); timer = setTimeout(() => fn(...a), ms); };
}
