"""Headless computations behind the teaching tools (no Qt; the windows come on top).

* :mod:`.stepthrough` — one sample through one training step, unit by unit, in words and numbers;
* :mod:`.diagnostics` — plain-words notes: vanishing/exploding gradients, dead ReLUs, symmetric units;
* :mod:`.landscape` — a 2-D slice of the loss around the current weights, and the optimizer's path on it;
* :mod:`.race` — optimizers racing on toy two-parameter problems (saddle, ravine, local minimum);
* :mod:`.gallery` — every activation and its derivative on a grid, for sliders and plots;
* :mod:`.sweep` — one setting over a list of values: final losses and curves to compare;
* :mod:`.gradcheck` — a project's backpropagation against finite differences, per layer;
* :mod:`.generative` — samples, latent-grid walk and anomaly scores of an autoencoder;
* :mod:`.jobs` — the teaching windows' slow work as jobs for a child process (:mod:`playground.session.jobs`);
* :mod:`.text` — number formatting shared by the explanations.
"""
