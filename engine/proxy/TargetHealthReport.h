#pragma once

#include <QString>
#include <QtGlobal>

#include <vector>

namespace portico {

struct Snapshot;

// How one upstream target of a running snapshot is doing, as the passive health checks see it
// (consecutive connect failures, ejection). A read-only copy for the apps.
struct TargetHealthState
{
    QString service;
    QString url;
    int consecutiveFailures = 0;
    quint64 ejections = 0;  // since the engine started
    bool ejected = false;
    qint64 ejectedForMs = 0; // how long it stays out, when ejected
};

// Every target of every service in `snapshot`, in config order. Reads the shared atomic
// counters the workers keep (relaxed), so it never locks or waits on them: cheap enough for a
// GUI timer. `nowMs` is monotonicNowMs() (net/Deadline.h).
std::vector<TargetHealthState> readTargetHealth(const Snapshot &snapshot, qint64 nowMs);

} // namespace portico
