// Calls the API through the same CloudFront distribution (its /api/* behaviour): no CORS, no API URL to configure.
async function show(id, path, pick) {
  const target = document.getElementById(id);
  try {
    const response = await fetch(path, { headers: { accept: "application/json" } });
    const body = await response.json().catch(() => ({}));
    target.textContent = response.ok ? pick(body) : `HTTP ${response.status}`;
  } catch (error) {
    target.textContent = `unreachable (${error.message})`;
  }
}

show("health", "/api/health", (body) => body.status ?? "ok");
show("hello", "/api/hello", (body) => body.message ?? JSON.stringify(body));
