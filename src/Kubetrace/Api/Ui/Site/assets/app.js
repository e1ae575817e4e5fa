// The UI's entry point: which page each /ui path shows, and the header's "open a trace by ID" box.
import { start, navigate } from './router.js';
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

start([
  { pattern: /^\/(?:ui\/?)?$/, section: 'search', render: renderSearch },
  { pattern: /^\/ui\/search$/, section: 'search', render: renderSearch },
  { pattern: /^\/ui\/trace\/([^/]+)$/, section: 'search', render: renderTrace },
  { pattern: /^\/ui\/analyses(?:\/([^/]+))?$/, section: 'analyses', render: renderAnalyses },
  { pattern: /^\/ui\/graph$/, section: 'graph', render: renderGraph },
  { pattern: /^\/ui\/flow(?:\/([^/]+))?$/, section: 'flow', render: renderFlow },
]);
