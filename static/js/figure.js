// A chart: a plotly figure drawn by the app's plotly.js bundle, served from the app's
// static files (components/figure.py's chart_data says what the data holds). One chart
// per element, kept across runs: a new run with another figure redraws it in place
// (Plotly.react). Only the clicked points' numbers and custom data go back to the server.
const libraries = {};
const library = (path) => {
  if (!libraries[path]) {
    libraries[path] = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = new URL(path, window.location.origin).href;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => reject(new Error(`${path} did not load`));
      document.head.appendChild(script);
    });
  }
  return libraries[path];
};

// the fields of a clicked point that Streamlit's own chart reports, as plain JSON
const point = (p) => ({
  curve_number: p.curveNumber,
  point_number: p.pointNumber,
  x: p.x,
  y: p.y,
  customdata: p.customdata ?? null,
});

function listen(state, setStateValue) {
  const { plot } = state;
  const report = (points) => setStateValue("selection", { points });
  plot.on("plotly_click", (event) => {
    if (state.select) report((event?.points || []).map(point));
  });
  plot.on("plotly_doubleclick", () => {
    if (state.select) report([]);
  });
  plot.on("plotly_deselect", () => {
    if (state.select) report([]);
  });
}

// Material's "fullscreen" icon, as Streamlit's own chart has it in its mode bar
const FULLSCREEN = {
  width: 24,
  height: 24,
  path: "M7 14H5v5h5v-2H7v-3zm-2-4h2V7h3V5H5v5zm12 7h-3v2h5v-5h-2v3zM14 5v2h3v3h2V5h-5z",
};

function toggleFullscreen(state) {
  if (document.fullscreenElement === state.root) document.exitFullscreen();
  else state.root.requestFullscreen?.();
}

// In full screen the chart takes the screen's height, on a white ground; back, its own.
function followFullscreen(state) {
  document.addEventListener("fullscreenchange", () => {
    const full = document.fullscreenElement === state.root;
    if (!full && !state.full) return;
    state.full = full;
    state.root.style.background = full ? "#fff" : "";
    fit(state);
  });
}

// The chart's size: as wide as its column (or the screen), as high as its figure says (or
// the screen). Set here, not left to plotly, which follows the window only.
const size = (state) => ({
  width: state.root.clientWidth || undefined,
  height: state.full ? window.innerHeight : state.height,
});

function fit(state) {
  const now = state.plot._fullLayout;
  const wanted = size(state);
  if (now && wanted.width && (now.width !== wanted.width || now.height !== wanted.height)) {
    window.Plotly.relayout(state.plot, wanted);
  }
}

// the mode bar: no upload to a chart service (nothing leaves the browser), no box or lasso
// selection (a click selects); a full-screen button; in the page's language (plotly.js's
// texts and month names: the bundle registers German, English is its own)
const config = (state, data) => ({
  displaylogo: false,
  showSendToCloud: false,
  showEditInChartStudio: false,
  locale: data.locale || "en",
  toImageButtonOptions: { filename: data.filename || "chart" },
  modeBarButtonsToRemove: ["sendChartToCloud", "select2d", "lasso2d"],
  modeBarButtonsToAdd: [{
    name: "fullscreen",
    title: data.fullscreen || "Full screen",
    icon: FULLSCREEN,
    click: () => toggleFullscreen(state),
  }],
});

async function draw(state, data, setStateValue) {
  const Plotly = await library(data.library);
  const figure = data.figure;
  const layout = { ...(figure.layout || {}) };
  if (data.select) layout.clickmode = "event+select";
  state.height = layout.height || data.height;
  Object.assign(layout, size(state));
  state.select = Boolean(data.select);
  await Plotly.react(state.plot, figure.data || [], layout, config(state, data));
  if (!state.listening) {
    state.listening = true;
    listen(state, setStateValue);
    followFullscreen(state);
  }
  state.root.dataset.drawn = "1";
  state.root.style.minHeight = "";
}

// `bytes`: chart_data's JSON, as Streamlit hands bytes over
export default async function ({ parentElement, data: bytes, setStateValue }) {
  const text = typeof bytes === "string" ? bytes : new TextDecoder().decode(bytes);
  let state = parentElement.__atlasChart;
  if (!state) {
    const root = document.createElement("div");
    root.className = "atlas-chart";
    root.setAttribute("role", "figure");
    const plot = document.createElement("div");
    plot.style.width = "100%";
    root.appendChild(plot);
    parentElement.appendChild(root);
    state = { root, plot, shown: null, latest: null, busy: Promise.resolve() };
    parentElement.__atlasChart = state;
    // the column's width changes with the window, the sidebar, the columns beside it
    new ResizeObserver(() => {
      if (state.root.dataset.drawn === "1") fit(state);
    }).observe(root);
  }
  if (state.shown === text) return;  // a run that changed nothing on this chart
  const data = JSON.parse(text);
  state.root.setAttribute("aria-label", data.alt || "");
  // the chart's place is kept while plotly.js loads: the page below does not jump
  if (!state.root.dataset.drawn) state.root.style.minHeight = `${data.height}px`;
  state.latest = data;
  state.shown = text;
  state.busy = state.busy.then(async () => {
    if (state.latest !== data) return;  // a newer figure arrived meanwhile
    try {
      await draw(state, data, setStateValue);
    } catch (error) {
      state.shown = null;
      state.root.dataset.drawn = "error";
      state.plot.textContent = data.alt || String(error);
    }
  });
  await state.busy;
}
