/** What the appliance answers for the portal when `appliance/web/dist` is missing. */
export function notBuiltPage(): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Hearth — portal not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5">
<main>
<h1>The Hearth portal has not been built yet</h1>
<p>The appliance is running, but the family portal's files are missing.</p>
<p>On the appliance, run <code>npm run build</code> in the Hearth folder, then reload this page.</p>
<p>The API is available meanwhile: <a href="/api/docs">/api/docs</a>.</p>
</main>
</body>
</html>
`;
}
