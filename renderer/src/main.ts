// Renderer: entry point — opens the door that carried the app, builds the app's state on it, mounts the Svelte app.
import { mount } from 'svelte';
import 'uplot/dist/uPlot.min.css';
import './app.css';
import App from './App.svelte';
import { openDoor } from './lib/api';
import { appContext, createApp } from './lib/app';

mount(App, { target: document.getElementById('app')!, context: appContext(createApp(openDoor(), window)) });
