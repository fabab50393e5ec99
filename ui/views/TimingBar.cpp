#include "TimingBar.h"

#include "models/TrafficTableModel.h"

#include <QFontMetrics>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace portico {

namespace {

// Medium tones that read on light and dark backgrounds alike (as the charts' series).
const QColor kGateway(0x4a, 0x7f, 0xb5);
const QColor kConnect(0xe6, 0x7e, 0x22);
const QColor kUpstream(0x2e, 0x9d, 0x4f);
const QColor kRest(0x8e, 0x8e, 0x93);

constexpr int kBarHeight = 14;
constexpr int kSwatch = 10;

} // namespace

std::vector<TimingSegment> timingSegments(const CaptureTimings &t)
{
    std::vector<TimingSegment> segments;
    if (t.totalUs < 0)
        return segments;
    qint64 explained = 0;
    const auto add = [&](const QString &name, qint64 micros, const QColor &color) {
        if (micros < 0)
            return;
        segments.push_back({name, micros, color});
        explained += micros;
    };
    add(QObject::tr("gateway"), t.gatewayUs, kGateway);
    add(QObject::tr("connect"), t.connectUs, kConnect);
    add(QObject::tr("upstream"), t.upstreamUs, kUpstream);
    if (segments.empty()) // nothing broken down: the gateway's whole
        add(QObject::tr("gateway"), t.totalUs, kGateway);
    else
        add(QObject::tr("rest"), std::max<qint64>(0, t.totalUs - explained), kRest);
    return segments;
}

TimingBar::TimingBar(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void TimingBar::setTimings(const CaptureTimings &timings)
{
    m_segments = timingSegments(timings);
    m_totalUs = timings.totalUs;
    setToolTip(figuresText());
    update();
}

QString TimingBar::figuresText() const
{
    if (m_totalUs < 0)
        return tr("no timings: the request did not complete");
    QStringList parts;
    for (const TimingSegment &s : m_segments)
        parts.append(QStringLiteral("%1 %2").arg(s.name, latencyText(s.micros)));
    parts.append(tr("total %1").arg(latencyText(m_totalUs)));
    return parts.join(QStringLiteral(" · "));
}

QSize TimingBar::sizeHint() const
{
    const QFontMetrics fm = fontMetrics();
    return {fm.horizontalAdvance(figuresText()) + 4 * kSwatch, kBarHeight + 8 + fm.height()};
}

QSize TimingBar::minimumSizeHint() const
{
    return {120, sizeHint().height()};
}

void TimingBar::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF bar(0.5, 0.5, width() - 1.0, kBarHeight);
    QPainterPath outline;
    outline.addRoundedRect(bar, 3, 3);
    p.fillPath(outline, palette().color(QPalette::AlternateBase));
    const qint64 total = std::max<qint64>(1, m_totalUs);
    if (m_totalUs >= 0 && !m_segments.empty()) {
        p.save();
        p.setClipPath(outline);
        // Each part that took any time stays visible (2 px at least); the last takes the rest.
        double x = bar.left();
        const double minWidth = 2.0;
        size_t last = 0;
        for (size_t i = 0; i < m_segments.size(); ++i) {
            if (m_segments[i].micros > 0)
                last = i;
        }
        for (size_t i = 0; i < m_segments.size(); ++i) {
            const TimingSegment &s = m_segments[i];
            if (s.micros <= 0)
                continue;
            double w = i == last ? bar.right() - x : bar.width() * double(s.micros) / double(total);
            w = std::max(w, minWidth);
            p.fillRect(QRectF(x, bar.top(), w, bar.height()), s.color);
            x += w;
        }
        p.restore();
    }
    p.setPen(palette().color(QPalette::Mid));
    p.drawPath(outline);

    // The legend: a swatch and the figure for each part, then the total.
    const QFontMetrics fm = fontMetrics();
    int x = 0;
    const int textTop = kBarHeight + 6;
    const int baseline = textTop + fm.ascent();
    p.setRenderHint(QPainter::Antialiasing, false);
    if (m_totalUs < 0) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(0, baseline, figuresText());
        return;
    }
    for (const TimingSegment &s : m_segments) {
        p.fillRect(QRect(x, textTop + (fm.height() - kSwatch) / 2, kSwatch, kSwatch), s.color);
        x += kSwatch + 4;
        const QString text = QStringLiteral("%1 %2").arg(s.name, latencyText(s.micros));
        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(x, baseline, text);
        x += fm.horizontalAdvance(text) + 14;
    }
    QFont bold = font();
    bold.setWeight(QFont::DemiBold);
    p.setFont(bold);
    p.drawText(x, baseline, tr("total %1").arg(latencyText(m_totalUs)));
}

} // namespace portico
