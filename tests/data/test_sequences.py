import numpy as np

from playground.data import sequences


def test_sine_windows_predict_the_next_value():
    ds = sequences.sine(n=50, steps=12, noise=0.0)
    assert ds.x.shape == (50, 12, 1) and ds.y.shape == (50, 1) and ds.task == "regression"
    # clean windows: the target continues the same wave, so it is within the amplitude
    assert np.abs(ds.y).max() <= 1.0
    # a sine obeys s[t+1] = 2cos(ω) s[t] − s[t−1]; check it on the first window
    p_est = ds.x[0, :, 0]
    ratio = (p_est[2:] + p_est[:-2]) / p_est[1:-1]
    assert np.std(ratio[np.abs(p_est[1:-1]) > 0.2]) < 1e-3


def test_sine_as_sequence_targets():
    ds = sequences.sine(n=20, steps=8, noise=0.0, target="every step")
    assert ds.task == "sequence" and ds.y.shape == (20, 8, 1)
    np.testing.assert_allclose(ds.y[:, :-1, 0], ds.x[:, 1:, 0], atol=1e-6)  # shifted by one step


def test_waveforms_balanced_and_distinct():
    ds = sequences.waveforms(n=400, steps=30, noise=0.0)
    assert ds.x.shape == (400, 30, 1) and ds.num_classes == 4
    np.testing.assert_array_equal(ds.class_counts(), [100, 100, 100, 100])
    square = ds.x[ds.y == 1, :, 0]
    amp = np.abs(square).max(axis=1, keepdims=True)
    np.testing.assert_allclose(np.abs(square), np.broadcast_to(amp, square.shape), rtol=1e-6)  # only ±a


def test_sum_sign_labels():
    ds = sequences.sum_sign(n=201, steps=6, seed=2)
    np.testing.assert_array_equal(ds.y, ds.x[:, :, 0].sum(axis=1) > 0)
    assert abs(int(ds.class_counts()[0]) - int(ds.class_counts()[1])) <= 1
