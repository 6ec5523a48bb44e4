// The map: MapLibre over the app's own style (components/map_chart.py says what `data`
// holds). One map per element, kept across runs: a new run changes its sources, layers,
// names and view, it does not make a new map. Only numbers and the clicked object's
// fields go back to the server; every text is set as text, never as HTML.
const TIP_STYLE = "position:absolute;z-index:3;pointer-events:none;display:none;"
  + "background:#fff;color:#1a1a1a;border-radius:4px;padding:6px 8px;font-size:15px;"
  + "max-width:340px;overflow-wrap:anywhere;white-space:pre-line;"
  + "box-shadow:0 1px 4px rgba(0,0,0,.35)";

const libraries = {};
const library = (path) => {
  if (!libraries[path]) {
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = new URL(path.replace(/\.mjs(\?|$)/, ".css$1"), window.location.origin).href;
    document.head.appendChild(css);
    libraries[path] = import(new URL(path, window.location.origin).href);
  }
  return libraries[path];
};

const pixels = (view, zoom) => {
  const scale = 512 * Math.pow(2, zoom);
  const y = Math.log(Math.tan(Math.PI / 4 + view.latitude * Math.PI / 360));
  return [(view.longitude + 180) / 360 * scale, (1 - y / Math.PI) / 2 * scale];
};

const viewOf = (map) => {
  const c = map.getCenter();
  return { latitude: c.lat, longitude: c.lng, zoom: map.getZoom() };
};

function placeMarks(state) {
  const { map, marks } = state;
  for (const [el, mark] of marks) {
    const p = map.project([mark.lon, mark.lat]);
    el.style.transform = `translate(${p.x + mark.dx}px, ${p.y + mark.dy}px) ${mark.shift}`;
  }
}

function setMarks(state, data) {
  state.layer.replaceChildren();
  state.marks = [];
  for (const mark of data.marks) {
    const el = document.createElement("div");
    el.textContent = mark.text;
    const diamond = mark.kind === "organisation";
    el.className = diamond ? "atlas-diamond" : "atlas-name";
    el.style.cssText = "position:absolute;left:0;top:0;white-space:nowrap;line-height:1.15;"
      + `color:${mark.colour};font-size:${mark.px}px;`
      + (diamond
        ? "pointer-events:auto;cursor:default;text-shadow:0 0 2px #fff,0 0 2px #fff;"
        : "pointer-events:none;font-weight:600;background:rgba(255,255,255,.8);padding:0 3px;");
    if (diamond && mark.tip) el.dataset.tip = mark.tip;
    const x = { left: "0", right: "-100%", center: "-50%" }[mark.anchor];
    state.marks.push([el, { ...mark, shift: `translate(${x}, -50%)` }]);
    state.layer.appendChild(el);
  }
  placeMarks(state);
}

function setLayers(state, data) {
  const { map } = state;
  for (const id of state.layerIds || []) if (map.getLayer(id)) map.removeLayer(id);
  for (const id of state.sourceIds || []) if (map.getSource(id)) map.removeSource(id);
  for (const [id, source] of Object.entries(data.sources)) map.addSource(id, source);
  for (const layer of data.layers) map.addLayer(layer);
  remember(state, data);
}

function remember(state, data) {
  state.layerIds = data.layers.map((l) => l.id);
  state.sourceIds = Object.keys(data.sources);
  state.pickable = data.pickable;
}

// the tooltip beside the pointer, below it unless there is no room (then above), always
// inside the map
function showTip(state, point, text) {
  const tip = state.tip;
  if (!text) { tip.style.display = "none"; return; }
  tip.textContent = text;
  tip.style.display = "block";
  const box = state.root.getBoundingClientRect();
  const width = tip.offsetWidth, height = tip.offsetHeight;
  const x = Math.min(Math.max(point.x - width / 2, 4), box.width - width - 4);
  const below = point.y + 16 + height <= box.height - 4;
  const y = below ? point.y + 16 : Math.max(point.y - 16 - height, 4);
  tip.style.left = `${x}px`;
  tip.style.top = `${y}px`;
}

// the style with its tile addresses made whole: MapLibre's worker fetches the tiles and
// cannot resolve an address that is only a path on this server
const fetchStyle = async (url) => {
  const style = await (await fetch(new URL(url, window.location.href))).json();
  for (const source of Object.values(style.sources || {})) {
    if (source.tiles) {
      source.tiles = source.tiles.map((t) => new URL(t, window.location.href).href
        .replace(/%7B/g, "{").replace(/%7D/g, "}"));  // the {z}/{x}/{y} MapLibre fills in
    }
  }
  return style;
};

// a base style with `data`'s sources and layers in it
function withLayers(style, data) {
  return {
    ...style,
    sources: { ...style.sources, ...data.sources },
    layers: [...style.layers, ...data.layers],
  };
}

export default async function ({ parentElement, data, setStateValue }) {
  let state = parentElement.__atlasMap;
  if (!state) {
    const root = document.createElement("div");
    root.className = "atlas-map";
    root.style.cssText = `position:relative;width:100%;height:${data.height}px;`
      + "border-radius:0.5rem;overflow:hidden;background:#eef1f4";
    root.setAttribute("role", "region");  // named by its aria-label; holds the controls
    const canvasBox = document.createElement("div");
    canvasBox.style.cssText = "position:absolute;inset:0";
    const layer = document.createElement("div");
    layer.style.cssText = "position:absolute;inset:0;pointer-events:none;overflow:hidden";
    const tip = document.createElement("div");
    tip.className = "atlas-map-tooltip";
    tip.style.cssText = TIP_STYLE;
    root.append(canvasBox, layer, tip);
    parentElement.appendChild(root);
    state = { root, layer, tip, data: null, marks: [], latest: data, calls: 0 };
    parentElement.__atlasMap = state;
    watchSize(state, setStateValue);
    state.ready = create(state, data, setStateValue);
  }
  state.latest = data;
  state.calls += 1;
  await state.ready;
  if (state.latest === data) update(state, data);
}

const boxSize = (root) => {
  const box = root.getBoundingClientRect();
  return { width: Math.round(box.width), height: Math.round(box.height) };
};

// What to draw of `data`: all of it when its view was fitted for the map's size, or once
// the server has answered the size the map reported (or not within two seconds); until
// then the base map only: drawn for another size, the map would jump when refitted.
function drawable(state, data) {
  const size = boxSize(state.root);
  const fitted = !data.size || !size.width
    || (data.size.width === size.width && data.size.height === size.height);
  const answered = state.reportedAt !== undefined && state.calls > state.reportedAt;
  if (fitted || answered || state.waitedLong) return data;
  return { ...data, sources: {}, layers: [], marks: [], pickable: [], waiting: true };
}

async function create(state, data, setStateValue) {
  const { root, layer } = state;
  const canvasBox = root.firstChild;
  {
    // MapLibre and the base style load while the server draws for the size reported;
    // the map starts with the newest view's sources and layers in its style: one load,
    // every source read at once (added after the map's first load, they waited for its
    // first frame)
    const [maplibregl, base] = await Promise.all([library(data.library), fetchStyle(data.style)]);
    if (state.latest.style === data.style) data = state.latest;
    data = drawable(state, data);
    const style = withLayers(base, data);
    const view = data.view;
    state.map = new maplibregl.Map({
      container: canvasBox, style, center: [view.longitude, view.latitude],
      zoom: view.zoom, fadeDuration: 0, dragRotate: false,
      pitchWithRotate: false, touchPitch: false,
    });
    state.map.touchZoomRotate.disableRotation();
    state.basis = view;
    remember(state, data);
    state.data = {
      style: data.style, sources: data.sources, layers: data.layers, view, waiting: data.waiting,
    };
    await new Promise((resolve) => state.map.once("load", resolve));
    const map = state.map;
    map.on("move", () => placeMarks(state));
    map.on("mousemove", (e) => {
      const found = map.queryRenderedFeatures(e.point, { layers: state.pickable })[0];
      map.getCanvas().style.cursor = found ? "pointer" : "";
      showTip(state, e.point, found && found.properties.tip);
    });
    map.getCanvas().addEventListener("mouseleave", () => showTip(state, null, null));
    layer.addEventListener("mouseover", (e) => {
      const tipText = e.target.dataset && e.target.dataset.tip;
      if (tipText) {
        const box = root.getBoundingClientRect(), at = e.target.getBoundingClientRect();
        showTip(state, { x: at.left - box.left + at.width / 2, y: at.bottom - box.top }, tipText);
      }
    });
    layer.addEventListener("mouseout", () => showTip(state, null, null));
    map.on("click", (e) => {
      const found = map.queryRenderedFeatures(e.point, { layers: state.pickable })[0];
      const id = found ? found.layer.id.replace(/_\d+$/, "") : null;
      const object = !found ? null
        : id === "areas" ? { properties: { ...found.properties } } : { ...found.properties };
      setStateValue("selection", { objects: object ? { [id]: [object] } : {} });
    });
    // the view the user moved to, once it holds still and differs enough from the last
    // (moved by the user: a wheel, drag, key or touch on the map since the last report;
    // the server's own moves bring their names along)
    let touched = false;
    for (const kind of ["wheel", "pointerdown", "keydown", "touchstart", "dblclick"]) {
      root.addEventListener(kind, () => { touched = true; }, { capture: true, passive: true });
    }
    map.on("moveend", () => {
      if (!touched) return;
      const now = viewOf(map), basis = state.basis;
      const [x0, y0] = pixels(basis, now.zoom), [x1, y1] = pixels(now, now.zoom);
      const box = root.getBoundingClientRect();
      const shifted = Math.abs(x1 - x0) > box.width / 5 || Math.abs(y1 - y0) > box.height / 5;
      if (Math.abs(now.zoom - basis.zoom) >= 0.25 || shifted) {
        touched = false;
        state.basis = now;
        setStateValue("view", now);
      }
    });
  }
}

// The map's size in CSS pixels, sent as soon as the map's place is there (the server
// waits for it before it fits the view and draws), and again whenever it differs from
// the size the view was fitted for (the window changed): at once the first time, then
// once a size has held for a tenth of a second (not mid-resize).
function watchSize(state, setStateValue) {
  let timer = null, first = true;
  const report = () => {
    const size = boxSize(state.root);
    const known = state.size || state.latest.size;
    if (size.width && (!known || known.width !== size.width || known.height !== size.height)) {
      state.size = size;
      state.reportedAt = state.calls;
      setStateValue("size", size);
      setTimeout(() => {
        state.waitedLong = true;
        if (state.map && state.data && state.data.waiting) update(state, state.latest);
      }, 2000);
    }
  };
  new ResizeObserver(() => {
    if (state.map) { state.map.resize(); placeMarks(state); }
    clearTimeout(timer);
    if (first) { first = false; report(); } else timer = setTimeout(report, 100);
  }).observe(state.root);
}

function update(state, data) {
  data = drawable(state, data);
  const map = state.map;
  const last = state.data;
  state.root.setAttribute("aria-label", data.alt || "");
  state.root.style.height = `${data.height}px`;
  state.root.dataset.drawn = "";
  if (last && last.style !== data.style) {
    state.layerIds = []; state.sourceIds = [];
    fetchStyle(data.style).then((style) => map.setStyle(withLayers(style, data)));
    remember(state, data);
  } else if (!last || (last.sources !== data.sources
      && JSON.stringify(last.sources) !== JSON.stringify(data.sources))
      || JSON.stringify(last.layers) !== JSON.stringify(data.layers)) {
    setLayers(state, data);
  }
  if (last && JSON.stringify(last.view) !== JSON.stringify(data.view)) {
    map.jumpTo({ center: [data.view.longitude, data.view.latitude], zoom: data.view.zoom });
    state.basis = data.view;
  }
  setMarks(state, data);
  state.data = data;
  // drawn: everything the server sent is on the screen (not the base map while waiting)
  if (!data.waiting) map.once("idle", () => { state.root.dataset.drawn = "1"; });
  map.triggerRepaint();
}
