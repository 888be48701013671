"""A vectorised PyTorch reference of `cgym train --scenario honest-consensus --stop-at 0.99`.

The same experiment as consensus-gym's default honest-consensus run, written the way one would
write it in PyTorch (every episode of a batch stepped at once as tensors), so that
bench/trainingSpeed.ts can compare the whole-process time to learn it to a 99% greedy win rate.

Game (docs/GAME.md, preset `honest-consensus` in src/game/presets.ts): n = 3 honest agents, f = 0,
binary inputs drawn uniformly, synchronous rounds r = 1..R with R = 4, the `paper` action space
{send own input to all, commit 0, commit 1}, an agent halts once it commits, an episode ends
when every agent has decided or after round R. A message sent in round r is seen from round r+1
on; the observation slot of another agent holds the last value received from it.
Win = terminated ∧ consistent ∧ valid (all inputs equal v ⇒ every decision is v).
Team reward (paper's table, GAME.md §8, §10.7): −1 inconsistent, −2 invalid, −1 not
majority-correct, +1 win, −0.03 per undecided agent per round played, −1 per agent undecided at
the end.

Observation (src/game/observation.ts), 13 numbers per agent: own input one-hot (2), decided (1),
round one-hot (4), per other agent +1, +2 in relative order the last value received one-hot
{none, 0, 1} (3 each).

Policy (src/policy/networkFor.ts defaults, src/train/config.ts): linear (no hidden layer) on
centred inputs — logits = (obs − mean) · W + b, W Glorot-uniform × 0.01, b = [0, −2, −2] (commit
bias −2); the input mean tracks the recorded observations of each epoch (the first epoch sets it,
later ones move it by 0.1) before the update.

REINFORCE (src/train/reinforce.ts defaults): batch 256 episodes, every recorded decision weighted
by (G − mean G) / max(std G, 0.1), loss = −mean(adv · log π) − 0.01 · mean(entropy), one Adam step
per epoch (lr 0.01, β = 0.9, 0.999, ε = 1e-8), no gradient clipping.

Stopping rule (src/train/train.ts with stopAt): after every epoch, a greedy evaluation (argmax,
ties to the lowest option) on 2000 episodes of one fixed evaluation seed; stop when its win rate
≥ 0.99 (or after --epochs). Then a final greedy evaluation on 10,000 episodes, as `cgym train`
does before it writes its summary.

What differs from consensus-gym, on purpose or not:
- Random numbers: PyTorch's generator (one stream, seeded), not the engine's per-episode streams,
  so seed S here and seed S there are different runs; compare distributions of epochs, not seeds.
- Float32 maths in PyTorch's own order (tfjs wasm sums in another): the same algorithm, not the
  same bits.
- No run folder: consensus-gym writes config.json, metrics.jsonl and a checkpoint every epoch and
  a summary at the end; this prints one JSON line. Its rules engine is general (any scenario, any
  protocol, validated actions, an adversary interface); this is written for this one game.
- The rollout's forward pass runs on every agent row of every episode each round (as
  consensus-gym's does), the update's on the recorded (acting) rows only (as there).

Usage: python3 honest_consensus_torch.py [--seed S] [--epochs N] [--batch B] [--threads T]
Prints one JSON line: epochs, epochs to 99%, the final win rate, seconds inside Python.
"""
import argparse
import json
import time

T0 = time.perf_counter()

import torch  # noqa: E402  (timed: importing torch is part of the whole process)

N, V, R = 3, 2, 4
OBS = 2 + 1 + R + (N - 1) * (1 + V)  # 13
ACTIONS = 1 + V  # send, commit 0, commit 1
NONE = -1
REWARD = dict(consistency=-1.0, validity=-2.0, majority=-1.0, correct=1.0, round_penalty=-0.03, no_commit=-1.0)
EVAL_EPISODES, FINAL_EPISODES = 2000, 10_000
EVAL_SEED_OFFSET, FINAL_SEED_OFFSET = 1_000_003, 2_000_003

# Agent i sees the others as +1, +2: column p−1 of OTHERS[i] is agent (i + p) mod n.
OTHERS = torch.tensor([[(i + p) % N for p in range(1, N)] for i in range(N)])


def observe(inputs, decision, last, r):
    """[B, N, OBS] float32: own input, decided (before round r), round r, last values from +1, +2."""
    B = inputs.shape[0]
    obs = torch.zeros(B, N, OBS)
    obs[:, :, 0:2] = torch.nn.functional.one_hot(inputs, V).float()
    obs[:, :, 2] = (decision >= 0).float()
    obs[:, :, 3 + r - 1] = 1.0
    # last[b, i, j]: last value i received from j (NONE = nothing); one-hot {none, 0, 1}.
    seen = torch.gather(last, 2, OTHERS.expand(B, N, N - 1))  # [B, N, N−1]
    obs[:, :, 3 + R:] = torch.nn.functional.one_hot(seen + 1, 1 + V).float().reshape(B, N, (N - 1) * (1 + V))
    return obs


def play(policy, B, generator, greedy, record=False):
    """Plays B episodes; returns (wins, rewards[B], recorded obs/actions/episode index if `record`)."""
    W, b, mean = policy
    inputs = torch.randint(0, V, (B, N), generator=generator)
    decision = torch.full((B, N), NONE, dtype=torch.long)
    last = torch.full((B, N, N), NONE, dtype=torch.long)
    undecided_rounds = torch.zeros(B)
    rec_obs, rec_act, rec_ep = [], [], []
    episode = torch.arange(B).unsqueeze(1).expand(B, N)
    for r in range(1, R + 1):
        acting = decision < 0  # [B, N]; a decided agent has halted, an ended episode has no one acting
        if not acting.any():
            break
        obs = observe(inputs, decision, last, r)
        with torch.no_grad():
            logits = (obs - mean) @ W + b  # [B, N, ACTIONS]; every option is legal for an acting agent
            if greedy:
                action = logits.argmax(-1)
            else:
                action = torch.multinomial(torch.softmax(logits.reshape(-1, ACTIONS), -1), 1, generator=generator).reshape(B, N)
        if record:
            rec_obs.append(obs[acting])
            rec_act.append(action[acting])
            rec_ep.append(episode[acting])
        send = acting & (action == 0)
        commit = acting & (action > 0)
        decision = torch.where(commit, action - 1, decision)
        # Delivered at the start of round r+1: receiver i gets sender j's input; silence keeps the old value.
        sent = torch.where(send, inputs, torch.full_like(inputs, NONE))  # [B, N] per sender j
        sent_to = sent.unsqueeze(1).expand(B, N, N)  # [B, receiver i, sender j]
        last = torch.where(sent_to >= 0, sent_to, last)
        undecided_rounds += (decision < 0).sum(1).float()

    terminated = (decision >= 0).all(1)
    consistent = _consistent_among_decided(decision)
    all_same = (inputs == inputs[:, :1]).all(1)
    valid = ~all_same | ((decision < 0) | (decision == inputs[:, :1])).all(1)
    majority_value = (inputs.sum(1) * 2 > N).long()  # n = 3: never a tie
    majority = terminated & consistent & (decision == majority_value.unsqueeze(1)).all(1)
    win = terminated & consistent & valid
    reward = (
        REWARD["consistency"] * (~consistent).float()
        + REWARD["validity"] * (~valid).float()
        + REWARD["majority"] * (~majority).float()
        + REWARD["correct"] * win.float()
        + REWARD["round_penalty"] * undecided_rounds
        + REWARD["no_commit"] * (decision < 0).sum(1).float()
    )
    recorded = (torch.cat(rec_obs), torch.cat(rec_act), torch.cat(rec_ep)) if record else None
    return win.float().mean().item(), reward, recorded


def _consistent_among_decided(decision):
    """Whether the agents that decided agree (the undecided are left out, as the judge does)."""
    decided = decision >= 0
    lo = torch.where(decided, decision, torch.full_like(decision, V)).min(1).values
    hi = torch.where(decided, decision, torch.full_like(decision, -1)).max(1).values
    return (lo >= hi) | ~decided.any(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--stop-at", type=float, default=0.99)
    parser.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: PyTorch's default)")
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)

    limit = 0.01 * (6 / (OBS + ACTIONS)) ** 0.5
    W = ((torch.rand(OBS, ACTIONS, generator=generator) * 2 - 1) * limit).requires_grad_()
    b = torch.tensor([0.0, -2.0, -2.0], requires_grad=True)
    mean = torch.zeros(OBS)
    seen_mean = False
    optimizer = torch.optim.Adam([W, b], lr=0.01, betas=(0.9, 0.999), eps=1e-8)

    epochs_to_target = None
    epoch = 0
    while epoch < args.epochs:
        epoch += 1
        _, returns, (obs, act, ep) = play((W, b, mean), args.batch, generator, greedy=False, record=True)
        # Input mean: set by the first epoch's recorded rows, then moved by 0.1 towards each epoch's.
        batch_mean = obs.mean(0)
        mean = batch_mean if not seen_mean else 0.9 * mean + 0.1 * batch_mean
        seen_mean = True
        scale = max(returns.std(unbiased=False).item(), 0.1, 1e-8)
        advantage = (returns[ep] - returns.mean()) / scale
        log_softmax = torch.log_softmax((obs - mean) @ W + b, -1)
        log_prob = log_softmax.gather(1, act.unsqueeze(1)).squeeze(1)
        entropy = -(log_softmax.exp() * log_softmax).sum(1)
        loss = -(advantage * log_prob).mean() - 0.01 * entropy.mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

        eval_generator = torch.Generator().manual_seed(args.seed + EVAL_SEED_OFFSET)
        win_rate, _, _ = play((W.detach(), b.detach(), mean), EVAL_EPISODES, eval_generator, greedy=True)
        if win_rate >= args.stop_at:
            epochs_to_target = epoch
            break

    final_generator = torch.Generator().manual_seed(args.seed + FINAL_SEED_OFFSET)
    final_win_rate, _, _ = play((W.detach(), b.detach(), mean), FINAL_EPISODES, final_generator, greedy=True)
    print(json.dumps({
        "seed": args.seed, "epochs": epoch, "epochsToTarget": epochs_to_target, "finalWinRate": final_win_rate,
        "secondsInPython": time.perf_counter() - T0, "torch": torch.__version__, "threads": torch.get_num_threads(),
    }))


if __name__ == "__main__":
    main()
