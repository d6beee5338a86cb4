// Renderer: the app's state, built once on the door that carried the app and handed to every component by context.
import { getContext } from 'svelte';
import type { Api } from '../../../src/shared/contract';
import type { Door } from './api';
import { Dialogs } from './state/dialogs.svelte';
import { Jobs } from './state/jobs.svelte';
import { Library } from './state/library.svelte';
import { Notices } from './state/notices.svelte';
import { People } from './state/people.svelte';
import { Router } from './state/router.svelte';
import { Search } from './state/search.svelte';
import { FaceSources } from './state/sources.svelte';
import { TrainForm } from './state/train-form.svelte';

/** Pages the search box offers by name (the navigation's pages). */
export const SEARCH_PAGES = [
  ['library', 'Library'],
  ['people', 'People'],
  ['timeline', 'Photos (timeline)'],
  ['name', 'Name groups'],
  ['train', 'Train'],
  ['verify', 'Verify'],
  ['settings', 'Settings'],
  ['history', 'History'],
] as const;

/**
 * [Note: state takes its api] Each state class takes the contract's `Api` (and the notices it reports to) as
 * constructor arguments and opens nothing at import time. main.ts opens the door once, builds this AppState and
 * mounts the app with it in context; components read it with `useApp()`. Tests build the same classes
 * on an engine host's api (test/unit/renderer).
 */
export interface AppState {
  door: Door;
  api: Api;
  notices: Notices;
  jobs: Jobs;
  library: Library;
  people: People;
  router: Router;
  /** The search box of every page. */
  search: Search;
  /** Which file each face came from (shown on hover). */
  sources: FaceSources;
  dialogs: Dialogs;
  trainForm: TrainForm;
}

export function createApp(door: Door, win: Window): AppState {
  const notices = new Notices();
  return {
    door,
    api: door.api,
    notices,
    jobs: new Jobs(door.api),
    library: new Library(door.api, notices),
    people: new People(door.api, notices),
    router: new Router(win),
    search: new Search(door.api, notices, SEARCH_PAGES),
    sources: new FaceSources(door.api),
    dialogs: new Dialogs(),
    trainForm: new TrainForm(),
  };
}

const KEY = Symbol('facelens-app');

/** The context to mount the app with: `mount(App, { target, context: appContext(state) })`. */
export function appContext(app: AppState): Map<symbol, AppState> {
  return new Map([[KEY, app]]);
}

/** The app's state, in a component's script (during its initialisation). */
export function useApp(): AppState {
  const app = getContext<AppState | undefined>(KEY);
  if (!app) throw new Error('useApp: the app was mounted without its state (see main.ts)');
  return app;
}
