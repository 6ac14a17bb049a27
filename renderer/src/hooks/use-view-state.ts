/**
 * The Metrics view kept in the address: each change the user makes becomes a history entry with
 * its hash (so back and forward walk the views), a hash typed in or reached by back/forward becomes
 * the view, and the last view is remembered, so a window opened without a hash (the Electron
 * window at start, a bookmark of the bare page) restores it.
 */
import { useCallback, useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { parseViewHash, viewHash, type ViewState } from '../lib/view-state.ts';
import { readStored, writeStored } from './use-stored-state.ts';

const LAST_VIEW_KEY = 'telemetry.lastView';

export interface ViewStateHandle {
  view: ViewState;
  /** A change by the user: a new history entry. */
  setView: Dispatch<SetStateAction<ViewState>>;
  /** A change the panel makes on its own (fitting the first run's range): replaces the current entry. */
  replaceView: Dispatch<SetStateAction<ViewState>>;
  /** Whether the view came from the address or the remembered one (else it is the default view). */
  restored: boolean;
}

function startingHash(): { hash: string; restored: boolean } {
  if (location.hash.length > 1) return { hash: location.hash, restored: true };
  const saved = readStored(LAST_VIEW_KEY);
  return saved !== null && saved.length > 1 ? { hash: saved, restored: true } : { hash: '', restored: false };
}

export function useViewState(): ViewStateHandle {
  const [start] = useState(startingHash);
  const [view, setViewState] = useState<ViewState>(() => parseViewHash(start.hash));
  /** True while the pending change came from the address (or the panel): write it without a new entry. */
  const replacing = useRef(true);

  useEffect(() => {
    const fromAddress = () => {
      replacing.current = true;
      setViewState(parseViewHash(location.hash));
    };
    window.addEventListener('popstate', fromAddress);
    window.addEventListener('hashchange', fromAddress);
    return () => {
      window.removeEventListener('popstate', fromAddress);
      window.removeEventListener('hashchange', fromAddress);
    };
  }, []);

  useEffect(() => {
    const hash = viewHash(view);
    if (hash !== location.hash) {
      const url = `${location.pathname}${location.search}${hash}`;
      if (replacing.current) history.replaceState(history.state, '', url);
      else history.pushState(null, '', url);
    }
    replacing.current = false;
    writeStored(LAST_VIEW_KEY, hash);
  }, [view]);

  const replaceView = useCallback<Dispatch<SetStateAction<ViewState>>>((next) => {
    replacing.current = true;
    setViewState(next);
  }, []);
  return { view, setView: setViewState, replaceView, restored: start.restored };
}
