"""The certification pages: calculator, filing, review, notice, revocation, pool and the public pages."""
