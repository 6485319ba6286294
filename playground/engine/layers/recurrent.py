"""Recurrent layers: ``SimpleRNN``, ``LSTM``, ``GRU``, and ``SequenceDense`` for many-to-many outputs.

Input is a batch of sequences, ``(batch, time, features)``; the per-sample
shape is ``(time, features)``. Time steps are counted ``t = 1 … T`` in the
formulas; the initial state is ``h_0 = 0`` (and ``c_0 = 0`` for the LSTM).

Conventions (row vectors, as for Dense: one row of ``W`` per input):

* ``return_sequences=False`` — *many-to-one*: the output is the last state
  ``h_T``, per-sample shape ``(units,)``; a Dense layer can follow.
* ``return_sequences=True`` — *many-to-many*: the output is every state
  ``h_1 … h_T``, per-sample shape ``(time, units)``; it can feed another
  recurrent layer (a deep, stacked RNN) or a :class:`SequenceDense`
  (``y_t = h_t W_hy + b`` at every step, the course's output layer).

Speed without hiding the maths:

* the input part ``x_t W_xh + b`` of **all** time steps is one matrix product
  made before the time loop (``(T·B, F) × (F, G·H)``);
* the weights of all gates are stored side by side in one matrix
  (``4·units`` columns for the LSTM, ``3·units`` for the GRU), so every time
  step costs one matrix product ``h_{t−1} W_hh``;
* inside the layer, per-gate arrays are laid out ``(time, gate, batch, units)``,
  so at step ``t`` the gates ``i, f, o, g = acts[t]`` are contiguous blocks
  (NumPy is several times faster on contiguous memory than on column slices
  of a ``(batch, 4·units)`` matrix);
* in backward, the weight gradients are summed over time with one matrix
  product each after the loop; only the recurrence itself is a Python loop.

Backpropagation through time (BPTT) leaves ``step_grad_norms``: for every
time step the norm ``‖∂L/∂h_t‖`` (mean over the batch) as a host NumPy array of
shape ``(time,)`` — the instrument for vanishing and exploding gradients.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from ..backend import array_module, to_host
from ..initializers import get_initializer
from ..layer import Layer, ShapeError


def sigmoid(z, out=None):
    """``σ(z) = 1/(1 + e^{−z}) = ½·(1 + tanh(z/2))``; the tanh form never overflows."""
    out = array_module(z).tanh(z * 0.5, out=out)
    out *= 0.5
    out += 0.5
    return out


def orthogonal(n: int, rng: np.random.Generator) -> np.ndarray:
    """A random ``n×n`` orthogonal matrix (QR of a Gaussian matrix, signs fixed).

    Used for the recurrent weights: multiplying by an orthogonal matrix keeps
    the length of a vector, so at the start of training the state neither
    shrinks nor grows just from being passed on through time.
    """
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return q * np.sign(np.diag(r))


class _Recurrent(Layer):
    """What the recurrent layers share: shapes, parameters, the input projection, BPTT bookkeeping.

    Parameters (``G`` = number of gate blocks, ``H`` = units, ``F`` = input features):

    * ``W_xh`` — ``(F, G·H)``, input → every gate, Glorot uniform;
    * ``W_hh`` — ``(H, G·H)``, previous state → every gate, orthogonal per block;
    * ``b``    — ``(G·H,)``, zeros (the LSTM sets its forget-gate block to 1).

    Gate ``j`` owns the columns ``j·H … (j+1)·H − 1`` of all three.
    """

    gates: ClassVar[int] = 1  # gate blocks side by side in W_xh, W_hh, b

    def __init__(self, units: int, return_sequences: bool = False, name: str | None = None):
        super().__init__(name)
        if int(units) < 1:
            raise ValueError(f"{type(self).__name__} needs at least 1 unit, got {units}")
        self.units = int(units)
        self.return_sequences = bool(return_sequences)
        self._dH = None  # total ∂L/∂h_t of the last backward, time-major (T, B, H)
        self._norms = None
        self._scratch: dict = {}

    # -- shapes and parameters ---------------------------------------------
    def output_shape(self, in_shape):
        if len(in_shape) != 2:
            raise ShapeError(self, f"expects a sequence of shape (time, features) per sample, but got "
                                   f"shape {tuple(in_shape)}; use Reshape to make it (time, features), "
                                   "e.g. (50,) → Reshape((50, 1))")
        time, _ = in_shape
        return (time, self.units) if self.return_sequences else (self.units,)

    def param_shapes(self, in_shape):
        n_in, width = in_shape[1], self.gates * self.units
        return {"W_xh": (n_in, width), "W_hh": (self.units, width), "b": (width,)}

    def create_params(self, in_shape):
        self._scratch, self._dH, self._norms = {}, None, None   # a rebuild may change backend or shapes
        n_in, H, width = in_shape[1], self.units, self.gates * self.units
        self.add_param("W_xh", get_initializer("glorot_uniform")((n_in, width), n_in, width, self.rng))
        self.add_param("W_hh", np.concatenate([orthogonal(H, self.rng) for _ in range(self.gates)], axis=1))
        self.add_param("b", self.initial_bias(), decay=False)

    def initial_bias(self) -> np.ndarray:
        return np.zeros(self.gates * self.units)

    # -- memory and layout helpers ---------------------------------------------
    def scratch(self, name: str, shape, dtype):
        """An internal work array kept from call to call (same shape and dtype → same memory).

        Big arrays made fresh every step cost page faults (the allocator hands
        the memory back to the system and asks for it again), which can take
        a third of the time of a small LSTM step. Only for arrays that never
        leave the layer: outputs and gradients handed back are always new.
        """
        buf = self._scratch.get(name)
        if buf is None or buf.shape != tuple(shape) or buf.dtype != dtype:
            buf = self.xp.empty(shape, dtype=dtype)
            self._scratch[name] = buf
        return buf

    def gate_major(self, w):
        """``(rows, G·H)`` → ``(G, rows, H)``: gate ``j``'s columns become block ``j`` (a contiguous copy)."""
        rows = w.shape[0]
        return self.xp.ascontiguousarray(w.reshape(rows, self.gates, self.units).swapaxes(0, 1))

    def side_by_side(self, d):
        """``(T, G, B, H)`` → ``(T·B, G·H)``: one row per (step, sample), gate blocks next to each other."""
        time, gates, batch, units = d.shape
        return self.xp.ascontiguousarray(d.swapaxes(1, 2)).reshape(time * batch, gates * units)

    # -- pieces used by forward and backward -------------------------------
    def project_inputs(self, x, scale=None):
        """``x_t W_xh + b`` for every time step and gate → ``(T, G, B, H)``.

        One matrix product for the whole sequence, made before the time loop;
        the loop then only adds ``h_{t−1} W_hh``. Each row of the product is one
        (time step, sample) with a constant ``1`` appended: the bias is the
        weight of that constant input, so ``[x_t 1] [W_xh; b]`` adds it too.
        ``scale`` (``(G·H,)``, optional) multiplies each column: the LSTM uses it
        to get ``½·a`` for its sigmoid gates at no extra cost.
        """
        xp, G, H = self.xp, self.gates, self.units
        batch, time, n_in = x.shape
        self.time = time
        x1 = self.scratch("x1", (time, batch, n_in + 1), x.dtype)   # time-major rows [x_t 1]
        x1[..., :n_in] = x.transpose(1, 0, 2)
        x1[..., n_in] = 1.0
        self.x1 = x1.reshape(time * batch, n_in + 1)
        W1 = xp.concatenate([self.params["W_xh"].data, self.params["b"].data[None]])   # (F+1, G·H)
        if scale is not None:
            W1 *= scale
        # xp.dot, not @: NumPy's matmul takes a slow path when the inner size is 1 (a plain
        # outer product), dot always uses BLAS
        proj = xp.dot(self.x1, W1, out=self.scratch("proj", (time * batch, G * H), x.dtype))
        xw = self.scratch("xw", (time, G, batch, H), x.dtype)
        xw[...] = proj.reshape(time, batch, G, H).swapaxes(1, 2)   # gate axis before the batch axis
        return xw

    def new_states(self, x, scratch_name: str | None = None):
        """``(T+1, B, H)``: slot ``t`` will hold ``h_t``; slot 0 is the initial state ``h_0 = 0``.

        With ``scratch_name`` the array is an internal work array (see :meth:`scratch`).
        """
        shape = (x.shape[1] + 1, x.shape[0], self.units)
        if scratch_name is None:
            return self.xp.zeros(shape, dtype=x.dtype)
        states = self.scratch(scratch_name, shape, x.dtype)
        states[0] = 0.0
        return states

    def sequence_output(self, hs):
        """Many-to-many: all of ``h_1 … h_T`` as ``(B, T, H)``; many-to-one: ``h_T`` as ``(B, H)``."""
        return hs[1:].transpose(1, 0, 2) if self.return_sequences else hs[-1]

    def output_grads(self, dy):
        """``∂L/∂h_t`` that arrives straight from this layer's output, time-major ``(T, B, H)``.

        Many-to-one: only the last state was output, so every earlier step
        gets nothing directly (its gradient comes only through time).
        """
        if self.return_sequences:
            return dy.transpose(1, 0, 2)
        grads = self.scratch("dH_out", (self.time, dy.shape[0], self.units), dy.dtype)
        grads[:-1] = 0.0
        grads[-1] = dy
        return grads

    def finish_backward(self, dZx, dZh, hs, dH):
        """Sum the weight gradients over time (one matrix product each) and return ``∂L/∂x``.

        ``dZx`` = ∂L/∂(pre-activations) as seen by the input part ``x_t W_xh + b``,
        ``dZh`` = the same as seen by the recurrent part ``h_{t−1} W_hh``
        (the same array except in the GRU); both ``(T, G, B, H)``.
        ``hs`` = the states ``h_0 … h_T``, ``dH[t]`` = ∂L/∂h_t.

        ``∂L/∂W_xh = Σ_t x_tᵀ dZx_t``, ``∂L/∂W_hh = Σ_t h_{t−1}ᵀ dZh_t``,
        ``∂L/∂b = Σ_t Σ_batch dZx_t``, ``∂L/∂x_t = dZx_t W_xhᵀ``.
        Every row of the flattened arrays is one (step, sample) pair, so a
        single product sums over time and batch together.
        """
        dZx_flat = self.side_by_side(dZx)                      # (T·B, G·H)
        dZh_flat = dZx_flat if dZh is dZx else self.side_by_side(dZh)
        h_prev = hs[:-1].reshape(-1, self.units)               # h_0 … h_{T−1}, (T·B, H)
        # [x_t 1]ᵀ dZx: the first F rows are ∂L/∂W_xh, the last (the constant 1) is ∂L/∂b
        dW1 = self.xp.dot(self.x1.T, dZx_flat)
        W_xh = self.params["W_xh"]
        W_xh.grad, self.params["b"].grad = dW1[:-1], dW1[-1]
        self.params["W_hh"].grad = h_prev.T @ dZh_flat
        self._dH, self._norms = dH, None
        dx = dZx_flat @ W_xh.data.T
        return dx.reshape(self.time, -1, dx.shape[-1]).transpose(1, 0, 2)

    @property
    def step_grad_norms(self) -> np.ndarray | None:
        """``‖∂L/∂h_t‖`` for ``t = 1 … T`` (mean over the batch), a host array of shape ``(time,)``.

        They describe the last backward (a later evaluation forward keeps them);
        ``None`` before the first. Computed when first read after a backward,
        so training steps that nobody plots pay nothing for it.
        """
        if self._norms is None and self._dH is not None:
            xp = self.xp
            self._norms = to_host(xp.sqrt((self._dH ** 2).sum(axis=-1)).mean(axis=-1)).astype(np.float64)
        return self._norms

    def config(self):
        return {"units": self.units, "return_sequences": self.return_sequences}


class SimpleRNN(_Recurrent):
    """The vanilla (Elman) RNN of the course.

    Forward, for ``t = 1 … T``::

        h_t = tanh(x_t W_xh + h_{t−1} W_hh + b)

    (the course writes ``tanh(W_hh h_{t−1} + W_xh x_t + b)`` with column
    vectors; this is the same with row vectors, like Dense's ``x W + b``).
    ``W_xh`` is ``(features, units)``, ``W_hh`` is ``(units, units)``.
    """

    kind = "simple_rnn"
    gates = 1

    def forward(self, x):
        W_hh = self.params["W_hh"].data
        xw = self.project_inputs(x)[:, 0]   # x_t W_xh + b for all t at once, (T, B, H)
        hs = self.new_states(x)             # hs[t] = h_t, hs[0] = h_0 = 0
        for t in range(1, len(hs)):
            self.xp.tanh(xw[t - 1] + hs[t - 1] @ W_hh, out=hs[t])
        self.hs = hs
        return self.sequence_output(hs)

    def backward(self, dy):
        # Backpropagation through time: walk the steps backwards, carrying
        # ∂L/∂h_t from step t+1 into step t through W_hh.
        xp, hs = self.xp, self.hs
        W_hh_T = self.params["W_hh"].data.T
        dH_out = self.output_grads(dy)       # ∂L/∂h_t straight from the output
        time = dH_out.shape[0]
        dH = self.scratch("dH", dH_out.shape, dy.dtype)   # total ∂L/∂h_t (kept for step_grad_norms)
        dZ = self.scratch("dZ", dH_out.shape, dy.dtype)   # ∂L/∂z_t, z_t = x_t W_xh + h_{t−1} W_hh + b
        dh_next = xp.zeros_like(dH_out[0])  # ∂L/∂h_t coming back from step t+1 (none after T)
        for t in range(time, 0, -1):
            i = t - 1                                         # array index of step t
            dh = xp.add(dH_out[i], dh_next, out=dH[i])        # total ∂L/∂h_t = from output + from future
            xp.multiply(dh, 1.0 - hs[t] ** 2, out=dZ[i])      # through tanh: ∂h_t/∂z_t = 1 − h_t²
            dh_next = dZ[i] @ W_hh_T                          # into h_{t−1}: ∂L/∂h_{t−1} += dz_t W_hhᵀ
        dZ = dZ[:, None]                                      # (T, 1, B, H): one gate block
        return self.finish_backward(dZ, dZ, hs, dH)


class LSTM(_Recurrent):
    """Long short-term memory: a cell state ``c_t`` protected by three gates.

    Forward, for ``t = 1 … T`` (σ = sigmoid, ⊙ = elementwise)::

        [a_i a_f a_o a_g] = x_t W_xh + h_{t−1} W_hh + b     (one product, 4·units columns)
        i_t = σ(a_i)      input gate: how much new content to write
        f_t = σ(a_f)      forget gate: how much of the old cell to keep
        o_t = σ(a_o)      output gate: how much of the cell to show
        g_t = tanh(a_g)   candidate content
        c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t
        h_t = o_t ⊙ tanh(c_t)

    The gate blocks are stored in the order ``i, f, o, g`` (the three sigmoid
    gates next to each other, so one operation serves all three).

    The forget-gate bias starts at **1** (Jozefowicz et al., 2015): ``σ(1) ≈ 0.73``,
    so at the start the cell keeps most of its content and gradients flow back
    through ``c_t = f_t ⊙ c_{t−1} + …`` over many steps. The other biases start at 0.
    """

    kind = "lstm"
    gates = 4

    def initial_bias(self):
        H = self.units
        bias = np.zeros(4 * H)
        bias[H:2 * H] = 1.0  # forget gate
        return bias

    def half_scale(self):
        """``[½ … ½ 1 … 1]``: ½ on the columns of i, f, o, 1 on those of g (see forward)."""
        scale = self.xp.full(4 * self.units, 0.5, dtype=self.params["b"].data.dtype)
        scale[3 * self.units:] = 1.0
        return scale

    def forward(self, x):
        xp = self.xp
        # σ(a) = ½ + ½·tanh(a/2): with the i, f, o columns of the weights halved
        # (scaled copies of these small matrices), one tanh call per step gives
        # tanh(a/2) for the three sigmoid gates and tanh(a_g) for g together.
        half = self.half_scale()
        xw = self.project_inputs(x, scale=half)               # (T, 4, B, H): [½a_i ½a_f ½a_o a_g] input part
        W_hh = self.gate_major(self.params["W_hh"].data * half)   # (4, H, H): block j = gate j's columns
        hs = self.new_states(x)                               # hs[t] = h_t, hs[0] = 0
        cs = self.new_states(x, "cs")                         # cs[t] = c_t, cs[0] = 0
        acts = self.scratch("acts", xw.shape, x.dtype)        # acts[t−1] = [i f o g] of step t
        tanh_c = self.scratch("tanh_c", hs[1:].shape, x.dtype)  # tanh(c_t), needed again in backward
        for t in range(1, len(hs)):
            k = t - 1                                         # array index of step t
            a = xp.matmul(hs[t - 1], W_hh)                    # (4, B, H): h_{t−1} W_hh, one call for all gates
            a += xw[k]                                        # + x_t W_xh + b = [½a_i ½a_f ½a_o a_g]
            gates = xp.tanh(a, out=acts[k])
            gates[:3] *= 0.5
            gates[:3] += 0.5                                  # i, f, o = σ(a_i), σ(a_f), σ(a_o)
            i, f, o, g = gates                                # g = tanh(a_g)
            xp.multiply(f, cs[t - 1], out=cs[t])              # c_t = f ⊙ c_{t−1} …
            cs[t] += i * g                                    #       … + i ⊙ g
            xp.tanh(cs[t], out=tanh_c[k])
            xp.multiply(o, tanh_c[k], out=hs[t])              # h_t = o ⊙ tanh(c_t)
        self.hs, self.cs, self.acts, self.tanh_c = hs, cs, acts, tanh_c
        return self.sequence_output(hs)

    def backward(self, dy):
        # BPTT with two carried gradients: ∂L/∂h_t and ∂L/∂c_t both come back from step t+1.
        xp = self.xp
        hs, cs, acts, tanh_c = self.hs, self.cs, self.acts, self.tanh_c
        W_hh_T = self.params["W_hh"].data.T
        dH_out = self.output_grads(dy)
        batch, H = dH_out.shape[1:]
        i, f, o, g = acts.swapaxes(0, 1)           # each (T, B, H)
        # Local derivatives that do not depend on the incoming gradient, for all steps at once
        # (σ' = σ(1 − σ), tanh' = 1 − tanh²):
        #   ∂c_t/∂a_i = g ⊙ σ'(a_i)         ∂c_t/∂a_f = c_{t−1} ⊙ σ'(a_f)
        #   ∂h_t/∂a_o = tanh(c_t) ⊙ σ'(a_o)  ∂c_t/∂a_g = i ⊙ (1 − g²)
        #   ∂h_t/∂c_t = o ⊙ (1 − tanh²(c_t))
        local = self.scratch("local", acts.shape, acts.dtype)
        sig = acts[:, :3]
        xp.multiply(sig, 1.0 - sig, out=local[:, :3])          # σ' of i, f, o
        xp.subtract(1.0, g * g, out=local[:, 3])               # tanh' of g
        local[:, 0] *= g
        local[:, 1] *= cs[:-1]
        local[:, 2] *= tanh_c
        local[:, 3] *= i
        dh_dc = o * (1.0 - tanh_c * tanh_c)
        dH = self.scratch("dH", dH_out.shape, dy.dtype)   # total ∂L/∂h_t
        dZ = self.scratch("dZ", acts.shape, dy.dtype)     # ∂L/∂[a_i a_f a_o a_g] per step, (T, 4, B, H)
        dh_next = xp.zeros_like(dH_out[0])         # ∂L/∂h_t from step t+1
        dc_next = xp.zeros_like(dH_out[0])         # ∂L/∂c_t from step t+1 (c_{t+1} = f_{t+1} ⊙ c_t + …)
        for t in range(len(dH), 0, -1):
            k = t - 1
            dh = xp.add(dH_out[k], dh_next, out=dH[k])   # total ∂L/∂h_t
            dc = dc_next + dh * dh_dc[k]                 # total ∂L/∂c_t: from the future + via h_t
            dz = dZ[k]
            xp.multiply(dc, local[k], out=dz)            # a_i, a_f, a_g act through c_t: ∂L/∂c ⊙ ∂c/∂a
            xp.multiply(dh, local[k, 2], out=dz[2])      # a_o acts through h_t only: ∂L/∂h ⊙ ∂h/∂a_o
            dc_next = dc * f[k]                          # into c_{t−1}
            if t > 1:  # into h_{t−1}: dz W_hhᵀ, gate blocks side by side again (h_0 is fixed: skip)
                dh_next = dz.swapaxes(0, 1).reshape(batch, 4 * H) @ W_hh_T
        return self.finish_backward(dZ, dZ, hs, dH)


class GRU(_Recurrent):
    """Gated recurrent unit, in the **reset-after** convention (cuDNN, PyTorch, Keras 2 default).

    Forward, for ``t = 1 … T``::

        [u_r u_z u_n] = h_{t−1} W_hh                    (one product, 3·units columns)
        [a_r a_z a_n] = x_t W_xh + b
        r_t = σ(a_r + u_r)                              reset gate
        z_t = σ(a_z + u_z)                              update gate
        n_t = tanh(a_n + r_t ⊙ (u_n + b_hn))            candidate state
        h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}

    *Reset after*: the reset gate multiplies ``h_{t−1} W_hn + b_hn`` **after**
    the matrix product. The original GRU (Cho et al., 2014) resets before:
    ``n_t = tanh(a_n + (r_t ⊙ h_{t−1}) W_hn)``, which needs a second matrix
    product per step. Both learn equally well; reset-after is faster and is
    what PyTorch's ``nn.GRU`` computes, so results can be compared with it.
    The extra parameter ``b_hn`` ``(units,)`` is the bias inside the reset.
    Gate blocks are stored in the order ``r, z, n``.
    """

    kind = "gru"
    gates = 3

    def param_shapes(self, in_shape):
        return {**super().param_shapes(in_shape), "b_hn": (self.units,)}

    def create_params(self, in_shape):
        super().create_params(in_shape)
        self.add_param("b_hn", np.zeros(self.units), decay=False)

    def forward(self, x):
        xp = self.xp
        b_hn = self.params["b_hn"].data
        xw = self.project_inputs(x)                           # (T, 3, B, H): [a_r a_z a_n] per step
        W_hh = self.gate_major(self.params["W_hh"].data)      # (3, H, H)
        hs = self.new_states(x)
        acts = self.scratch("acts", xw.shape, x.dtype)        # [r z n] per step
        un = self.scratch("un", hs[1:].shape, x.dtype)        # u_n + b_hn per step (needed for ∂L/∂r)
        for t in range(1, len(hs)):
            k = t - 1
            u = xp.matmul(hs[t - 1], W_hh)                    # [u_r u_z u_n], one call
            r, z = sigmoid(xw[k, :2] + u[:2], out=acts[k, :2])
            xp.add(u[2], b_hn, out=un[k])
            n = xp.tanh(xw[k, 2] + r * un[k], out=acts[k, 2])  # n = tanh(a_n + r ⊙ (u_n + b_hn))
            # h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}  =  n + z ⊙ (h_{t−1} − n)
            xp.add(n, z * (hs[t - 1] - n), out=hs[t])
        self.hs, self.acts, self.un = hs, acts, un
        return self.sequence_output(hs)

    def backward(self, dy):
        xp = self.xp
        hs, acts, un = self.hs, self.acts, self.un
        W_hh_T = self.params["W_hh"].data.T
        dH_out = self.output_grads(dy)
        batch, H = dH_out.shape[1:]
        # local derivatives for all steps at once: σ' = σ(1 − σ) for r, z; tanh' = 1 − n² for n
        dact = acts * (1.0 - acts)
        dact[:, 2] = 1.0 - acts[:, 2] ** 2
        dH = self.scratch("dH", dH_out.shape, dy.dtype)
        dZx = self.scratch("dZx", acts.shape, dy.dtype)   # ∂L/∂[a_r a_z a_n] (what x_t W_xh + b sees)
        dZh = self.scratch("dZh", acts.shape, dy.dtype)   # ∂L/∂[u_r u_z u_n] (what h_{t−1} W_hh sees)
        dh_next = xp.zeros_like(dH_out[0])
        for t in range(len(dH), 0, -1):
            k = t - 1
            r, z, n = acts[k]
            h_prev = hs[t - 1]
            dh = xp.add(dH_out[k], dh_next, out=dH[k])          # total ∂L/∂h_t
            dzx, dzh = dZx[k], dZh[k]
            xp.multiply(dh, 1.0 - z, out=dzx[2])                 # ∂L/∂n = ∂L/∂h ⊙ (1 − z)
            dzx[2] *= dact[k, 2]                                 # ∂L/∂a_n (through tanh)
            xp.multiply(dh, h_prev - n, out=dzx[1])              # ∂L/∂z = ∂L/∂h ⊙ (h_{t−1} − n)
            xp.multiply(dzx[2], un[k], out=dzx[0])               # ∂L/∂r = ∂L/∂a_n ⊙ (u_n + b_hn)
            dzx[:2] *= dact[k, :2]                               # ∂L/∂a_r, ∂L/∂a_z (through σ)
            dzh[:2] = dzx[:2]                                    # u_r, u_z enter like a_r, a_z
            xp.multiply(dzx[2], r, out=dzh[2])                   # u_n enters multiplied by r
            # into h_{t−1}: directly (z ⊙ h_{t−1}) and through W_hh
            dh_next = dh * z + dzh.swapaxes(0, 1).reshape(batch, 3 * H) @ W_hh_T
        self.params["b_hn"].grad = dZh[:, 2].sum(axis=(0, 1))
        return self.finish_backward(dZx, dZh, hs, dH)


class SequenceDense(Layer):
    """A Dense layer applied at every time step: ``y_t = h_t W + b`` (the course's ``y_t = W_hy h_t``).

    Input ``(time, features)`` per sample, output ``(time, units)``. Use it after
    a recurrent layer with ``return_sequences=True`` for many-to-many tasks;
    the same ``W`` and ``b`` serve every step (weights shared over time).

    Backward sums over batch *and* time: ``∂L/∂W = Σ_{b,t} h_tᵀ δ_t``,
    ``∂L/∂b = Σ_{b,t} δ_t``, ``∂L/∂h_t = δ_t Wᵀ``.
    """

    kind = "sequence_dense"

    def __init__(self, units: int, init="glorot_uniform", name: str | None = None):
        super().__init__(name)
        if int(units) < 1:
            raise ValueError(f"SequenceDense needs at least 1 unit, got {units}")
        self.units = int(units)
        self.init = init

    def output_shape(self, in_shape):
        if len(in_shape) != 2:
            raise ShapeError(self, f"expects a sequence of shape (time, features) per sample, but got "
                                   f"shape {tuple(in_shape)}; for a single vector use Dense instead")
        return (in_shape[0], self.units)

    def param_shapes(self, in_shape):
        return {"W": (in_shape[1], self.units), "b": (self.units,)}

    def create_params(self, in_shape):
        n_in = in_shape[1]
        self.add_param("W", get_initializer(self.init)((n_in, self.units), n_in, self.units, self.rng))
        self.add_param("b", np.zeros(self.units), decay=False)

    def forward(self, x):
        batch, time, n_in = x.shape
        self.x_flat = x.reshape(batch * time, n_in)   # every (sample, step) is one row
        y = self.x_flat @ self.params["W"].data
        y += self.params["b"].data
        return y.reshape(batch, time, self.units)

    def backward(self, dy):
        batch, time, _ = dy.shape
        d_flat = dy.reshape(batch * time, self.units)
        self.params["W"].grad = self.x_flat.T @ d_flat      # Σ over batch and time of h_tᵀ δ_t
        self.params["b"].grad = d_flat.sum(axis=0)
        return (d_flat @ self.params["W"].data.T).reshape(batch, time, -1)

    def config(self):
        return {"units": self.units, "init": self.init}
