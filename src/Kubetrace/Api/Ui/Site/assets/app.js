// The UI's entry point: which page each /ui path shows, and the header's "open a trace by ID" box.
import { start, navigate, refresh } from './router.js';
import { showsUtc, setUtc } from './format.js';
import { renderCompare } from './pages/compare.js';
import { renderSearch } from './pages/search.js';
import { renderTrace } from './pages/trace.js';
import { renderAnalyses } from './pages/analyses.js';
import { renderGraph } from './pages/graph.js';
import { renderFlow } from './pages/flow.js';

document.getElementById('open-trace').addEventListener('submit', event => {
  event.preventDefault();
  const id = event.target.traceId.value.trim();
  if (id) navigate(`/ui/trace/${encodeURIComponent(id)}`);
});

// Times show in UTC (as the CLI prints them) or in the browser's zone; the button says which and switches.
const zoneToggle = document.getElementById('zone-toggle');
const labelZone = () => { zoneToggle.textContent = showsUtc() ? 'Times: UTC' : 'Times: local'; };
labelZone();
zoneToggle.addEventListener('click', () => {
  setUtc(!showsUtc());
  labelZone();
  refresh();
});

start([
  { pattern: /^\/(?:ui\/?)?$/, section: 'search', render: renderSearch },
  { pattern: /^\/ui\/search$/, section: 'search', render: renderSearch },
  { pattern: /^\/ui\/trace\/([^/]+)$/, section: 'search', render: renderTrace },
  { pattern: /^\/ui\/analyses(?:\/([^/]+))?$/, section: 'analyses', render: renderAnalyses },
  { pattern: /^\/ui\/graph$/, section: 'graph', render: renderGraph },
  { pattern: /^\/ui\/compare$/, section: 'search', render: renderCompare },
  { pattern: /^\/ui\/flow(?:\/([^/]+))?$/, section: 'flow', render: renderFlow },
]);
