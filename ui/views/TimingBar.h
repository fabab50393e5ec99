#pragma once

#include "observe/CaptureRecord.h"

#include <QColor>
#include <QString>
#include <QWidget>

#include <vector>

namespace portico {

// One part of a request's time, in the order it is drawn.
struct TimingSegment
{
    QString name; // "gateway", "connect", "upstream", "rest"
    qint64 micros = 0;
    QColor color;
};

// Where the time of a request went, left to right: the gateway's own work, the TCP connect to
// the target (when a new connection was made), the upstream's answer (request sent to response
// head) and the rest (the response streamed to the client). Parts that do not apply are left
// out; what the timings do not explain goes to "rest". Empty when the total is unknown.
std::vector<TimingSegment> timingSegments(const CaptureTimings &timings);

// A horizontal bar of timingSegments() with a legend of the figures under it.
class TimingBar : public QWidget
{
    Q_OBJECT
public:
    explicit TimingBar(QWidget *parent = nullptr);

    void setTimings(const CaptureTimings &timings);
    // "gateway 0.31 ms · connect 0.12 ms · upstream 2.40 ms · rest 0.05 ms · total 2.88 ms"
    QString figuresText() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    std::vector<TimingSegment> m_segments;
    qint64 m_totalUs = -1;
};

} // namespace portico
