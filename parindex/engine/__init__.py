"""The scoring core: pure Python, no Django. Everything that computes points, indices,
rankings, deadlines or survey figures lives here; the apps convert at the boundary."""
