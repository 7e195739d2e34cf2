// The demo page around <dydca-player>: engine switch, compare split, overlay select, stats readout, PSNR graph, pack URL.
import { LitElement, html, css } from 'lit';

export class DemoApp extends LitElement {
  static override styles = css`:host { display: block; padding: 12px; }`;
  override render() { return html`<h1>dydca</h1>`; }
}
customElements.define('dydca-demo-app', DemoApp);
