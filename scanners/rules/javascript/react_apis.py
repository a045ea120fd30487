"""Data behind AI211's module-level table: React APIs removed from where code reaches them.

Sources (checked 2026-12-03): the React changelog and upgrade posts on react.dev —
"React v0.14" (rendering moved to `react-dom`/`react-dom/server`), "React v15.5.0"
(`React.PropTypes`, `React.createClass`, `React.DOM`, the add-ons split out; removed in 16),
"React v16.0", "React 18 upgrade guide" (`renderToNodeStream` deprecated) and "React 19
upgrade guide" (removals: `react-dom/test-utils` except `act`, `react-test-renderer/shallow`,
`renderToNodeStream`, legacy root API, `findDOMNode`, string refs, legacy context,
`createFactory`). Lifecycles, string refs, legacy context and the legacy root API are
matched by shape in `react.py`; this table is for paths (`React.render`, `{ createClass }`
from `react`, `import … from 'react-dom/test-utils'`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReactApi:
    path: str  # module path: `react.render`, `react-dom/server.renderToNodeStream`
    deprecated: tuple[int, int]  # React version that deprecated (or moved) it
    removed: tuple[int, int] | None
    replacement: str


_MOVED_DOM = "`createRoot(container).render(element)` from `react-dom/client`"
_SERVER = "`renderToString`/`renderToPipeableStream` from `react-dom/server`"

TABLE: tuple[ReactApi, ...] = (
    ReactApi("react.renderComponent", (0, 12), (0, 13), _MOVED_DOM),
    ReactApi("react.render", (0, 14), (15, 0), _MOVED_DOM),
    ReactApi("react.unmountComponentAtNode", (0, 14), (15, 0), "`root.unmount()` of a `createRoot` root"),
    ReactApi("react.findDOMNode", (0, 14), (15, 0), "a ref on the DOM element"),
    ReactApi("react.renderToString", (0, 14), (15, 0), _SERVER),
    ReactApi(
        "react.renderToStaticMarkup", (0, 14), (15, 0), "`renderToStaticMarkup` from `react-dom/server`"
    ),
    ReactApi(
        "react.addons", (15, 5), (16, 0), "the separate packages (`react-dom/test-utils`, `classnames`, …)"
    ),
    ReactApi("react.DOM", (15, 5), (16, 0), "JSX, or the `react-dom-factories` package"),
    ReactApi("react.createClass", (15, 5), (16, 0), "a class or function component (`create-react-class`)"),
    ReactApi("react.PropTypes", (15, 5), (16, 0), "the `prop-types` package"),
    ReactApi("react.createMixin", (15, 5), (16, 0), "composition or hooks"),
    ReactApi("react-addons-perf.printDOM", (15, 0), (16, 0), "`printOperations()`"),
    ReactApi("react-addons-perf.getMeasurementsSummaryMap", (15, 0), (16, 0), "`getWasted()`"),
    ReactApi("react-dom/server.renderToNodeStream", (18, 0), (19, 0), "`renderToPipeableStream`"),
    ReactApi("react-dom/test-utils", (18, 3), (19, 0), "`act` from `react`, and `@testing-library/react`"),
    ReactApi("react-test-renderer/shallow", (18, 3), (19, 0), "`@testing-library/react`"),
)
BY_PATH: dict[str, ReactApi] = {api.path: api for api in TABLE}
# The UMD builds' globals, when the file does not bind them itself.
GLOBALS: dict[str, str] = {"React": "react", "ReactDOM": "react-dom", "ReactDOMServer": "react-dom/server"}
