#pragma once

#include "observe/LatencyHistogram.h"
#include "observe/TrafficStats.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>

class QTimer;

namespace portico {

class GatewayEngine;

// Measures how quickly the GUI thread answers while the gateway works: a 10 ms timer notes how
// late each tick comes (the event loop's latency: what a click or a repaint would wait), and
// the GUI thread's own CPU time. Ticks are sorted by whether the gateway was under load at the
// time (its requests/s above a threshold), so a benchmark that loads it now and then still
// reads the loaded part alone. The desktop app starts it when PORTICO_GUI_PROBE names a file;
// the figures are written there as JSON when it stops.
class GuiLatencyProbe : public QObject
{
    Q_OBJECT
public:
    GuiLatencyProbe(GatewayEngine *engine, QString outputPath, QObject *parent = nullptr);
    ~GuiLatencyProbe() override;

    struct Figures
    {
        qint64 ticks = 0;
        double p50Ms = 0, p99Ms = 0; // lateness of the timer's ticks, within ~3% (histogram)
        double maxMs = 0;            // exact
        double cpuSeconds = 0; // the GUI thread's, over those ticks
        double wallSeconds = 0;
    };
    Figures loaded() const { return summarize(m_loaded); }
    Figures idle() const { return summarize(m_idle); }
    // Writes the figures to the output path; done by the destructor too.
    bool write() const;

private:
    struct Ticks
    {
        LatencyHistogram lateness; // in µs: bounded memory however long the app runs
        double maxMs = 0;
        double cpuSeconds = 0;
        double wallSeconds = 0;
    };
    static Figures summarize(const Ticks &ticks);
    void onTick();

    QString m_output;
    QTimer *m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    double m_lastCpu = 0;
    bool m_underLoad = false;
    Ticks m_loaded;
    Ticks m_idle;
};

} // namespace portico
