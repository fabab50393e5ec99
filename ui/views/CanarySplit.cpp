#include "CanarySplit.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QTimer>
#include <QVBoxLayout>

#include <numeric>

namespace portico {

CanarySplit::CanarySplit(QWidget *parent)
    : QWidget(parent)
    , m_canary(new QComboBox)
    , m_slider(new QSlider(Qt::Horizontal))
    , m_label(new QLabel)
    , m_keyboardCommit(new QTimer(this))
{
    m_canary->setObjectName(QStringLiteral("canaryTarget"));
    m_canary->setToolTip(tr("The target that gets the canary share"));
    m_slider->setObjectName(QStringLiteral("canarySlider"));
    m_slider->setRange(0, 100);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setTickInterval(10);
    m_slider->setPageStep(10);
    m_label->setObjectName(QStringLiteral("canaryLabel"));
    m_label->setMinimumWidth(m_label->fontMetrics().horizontalAdvance(
        QStringLiteral("stable 100% \u00b7 canary 100%")));

    auto *row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Canary:")));
    row->addWidget(m_canary);
    row->addWidget(m_slider, 1);
    row->addWidget(m_label);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);

    m_keyboardCommit->setSingleShot(true);
    m_keyboardCommit->setInterval(400);
    connect(m_keyboardCommit, &QTimer::timeout, this, &CanarySplit::commit);
    connect(m_slider, &QSlider::valueChanged, this, [this] {
        showSplit();
        // Keys and wheel move it without a release: store once they pause.
        if (!m_slider->isSliderDown())
            m_keyboardCommit->start();
    });
    connect(m_slider, &QSlider::sliderReleased, this, &CanarySplit::commit);
    connect(m_canary, &QComboBox::currentIndexChanged, this, [this] {
        const QSignalBlocker block(m_slider);
        const int canary = canaryIndex();
        int total = 0;
        for (const TargetConfig &t : m_service.targets)
            total += qMax(0, t.weight);
        if (canary >= 0 && total > 0)
            m_slider->setValue(qRound(100.0 * qMax(0, m_service.targets[size_t(canary)].weight)
                                      / total));
        m_loadedPercent = m_slider->value();
        showSplit();
    });
    setVisible(false);
}

void CanarySplit::setService(const ServiceConfig *service)
{
    const bool sameService = service && service->name == m_service.name;
    const int previousCanary = m_canary->currentIndex();
    m_service = service ? *service : ServiceConfig();
    m_keyboardCommit->stop();
    const QSignalBlocker blockCombo(m_canary);
    m_canary->clear();
    for (const TargetConfig &t : m_service.targets)
        m_canary->addItem(t.url);
    const int count = int(m_service.targets.size());
    // The last target is the usual canary; keep the user's choice across reloads.
    m_canary->setCurrentIndex(sameService && previousCanary >= 0 && previousCanary < count
                                  ? previousCanary
                                  : count - 1);
    m_canary->setVisible(count > 2);
    int total = 0;
    for (const TargetConfig &t : m_service.targets)
        total += qMax(0, t.weight);
    const int canary = canaryIndex();
    const QSignalBlocker blockSlider(m_slider);
    if (!m_slider->isSliderDown())
        m_slider->setValue(canary >= 0 && total > 0
                               ? qRound(100.0 * qMax(0, m_service.targets[size_t(canary)].weight)
                                        / total)
                               : 0);
    m_loadedPercent = m_slider->value();
    showSplit();
    setVisible(count >= 2);
}

int CanarySplit::canaryIndex() const
{
    return m_canary->currentIndex();
}

int CanarySplit::percent() const
{
    return m_slider->value();
}

std::vector<int> CanarySplit::weightsFor(const std::vector<int> &weights, int canary, int percent)
{
    const int n = int(weights.size());
    std::vector<int> out(size_t(n), 0);
    if (canary < 0 || canary >= n)
        return weights;
    percent = qBound(0, percent, 100);
    out[size_t(canary)] = percent;
    const int rest = 100 - percent;
    long total = 0;
    for (int i = 0; i < n; ++i) {
        if (i != canary)
            total += qMax(0, weights[size_t(i)]);
    }
    // Largest remainder, so the others add up to exactly `rest`.
    std::vector<std::pair<double, int>> remainders;
    int given = 0;
    for (int i = 0; i < n; ++i) {
        if (i == canary)
            continue;
        const double exact = total > 0 ? double(rest) * qMax(0, weights[size_t(i)]) / total
                                       : double(rest) / (n - 1);
        out[size_t(i)] = int(exact);
        given += int(exact);
        remainders.emplace_back(exact - int(exact), i);
    }
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](const auto &a, const auto &b) { return a.first > b.first; });
    for (size_t k = 0; given < rest && k < remainders.size(); ++k, ++given)
        ++out[size_t(remainders[k].second)];
    return out;
}

void CanarySplit::showSplit()
{
    const int canary = percent();
    m_label->setText(tr("stable %1% \u00b7 canary %2%").arg(100 - canary).arg(canary));
}

void CanarySplit::commit()
{
    m_keyboardCommit->stop();
    const int canary = canaryIndex();
    if (canary < 0 || m_service.targets.size() < 2 || percent() == m_loadedPercent)
        return;
    std::vector<int> weights;
    for (const TargetConfig &t : m_service.targets)
        weights.push_back(t.weight);
    const std::vector<int> split = weightsFor(weights, canary, percent());
    if (split != weights)
        Q_EMIT splitChosen(m_service.name, split);
}

} // namespace portico
