#pragma once

#include "config/Config.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QSlider;
class QTimer;

namespace portico {

// A slider for a canary split of a service with two or more targets: how many percent of the
// traffic go to the canary target, the rest shared by the others in their current proportions.
// splitChosen() fires when the user lets go (or stops using the keys), not while dragging.
class CanarySplit : public QWidget
{
    Q_OBJECT
public:
    explicit CanarySplit(QWidget *parent = nullptr);

    // Hides itself for services with fewer than two targets.
    void setService(const ServiceConfig *service);
    int canaryIndex() const;
    int percent() const;
    QSlider *slider() const { return m_slider; }

    // The weights that give `canary` `percent`% of the traffic, the other targets sharing the
    // rest in proportion to `weights` (equally when they all weigh 0); they sum to 100.
    static std::vector<int> weightsFor(const std::vector<int> &weights, int canary, int percent);

Q_SIGNALS:
    void splitChosen(const QString &service, const std::vector<int> &weights);

private:
    void showSplit();
    void commit();

    ServiceConfig m_service;
    int m_loadedPercent = -1; // the stored split: letting go there changes nothing
    QComboBox *m_canary;
    QSlider *m_slider;
    QLabel *m_label;
    QTimer *m_keyboardCommit;
};

} // namespace portico
