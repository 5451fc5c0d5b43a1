// A tiny client-side router: links with data-link navigate with pushState, so the tracker's SPA
// navigation tracking is exercised the way real single-page apps do.
const products = [
  { id: 'lamp', name: 'Desk lamp', price: 49 },
  { id: 'chair', name: 'Oak chair', price: 189 },
  { id: 'mug', name: 'Stoneware mug', price: 18 },
];

const views = {
  '/': () =>
    `<h1>Welcome</h1><p>Things for a calm desk.</p><p><a href="/products" data-link>Browse products</a></p>${filler()}`,
  '/products': () =>
    `<h1>Products</h1><ul>${products.map((p) => `<li><a href="/products/${p.id}" data-link>${p.name}</a> — €${p.price}</li>`).join('')}</ul>${filler()}`,
  '/about': () => `<h1>About</h1><p>A demo site for Sightline.</p>${filler()}`,
  '/cart': () => `<h1>Cart</h1><button id="checkout">Buy now</button>`,
};

function filler() {
  return Array.from({ length: 30 }, (_, i) => `<p class="filler">Paragraph ${i + 1}.</p>`).join('');
}

function render() {
  const path = location.pathname;
  const product = products.find((p) => path === `/products/${p.id}`);
  const view = product
    ? () =>
        `<h1>${product.name}</h1><p>€${product.price}</p><a href="/cart" data-link id="add">Add to cart</a>${filler()}`
    : views[path];
  document.getElementById('app').innerHTML = view ? view() : '<h1>Not found</h1>';
  document.title = `${product?.name ?? path} · Demo shop`;
}

document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[data-link]') : null;
  if (link) {
    event.preventDefault();
    history.pushState(null, '', link.getAttribute('href'));
    render();
    return;
  }
  if (event.target instanceof Element && event.target.id === 'checkout') {
    window.sightline?.track?.('purchase', { value: 49, currency: 'EUR' });
    document.getElementById('app').innerHTML = '<h1>Thank you!</h1>';
  }
});
window.addEventListener('popstate', render);
render();
