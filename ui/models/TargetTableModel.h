#pragma once

#include "config/Config.h"
#include "observe/TrafficStats.h"
#include "proxy/TargetHealthReport.h"

#include <QAbstractTableModel>

namespace portico {

// The targets of one service: URL, weight and share of the traffic, each target's live passive
// health (healthy, failing, ejected) and its live answers per second and p95 time to first
// byte from the engine's traffic samples, updated with dataChanged on those columns only.
class TargetTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Url, Weight, Share, Health, Failures, RequestsPerSecond, P95, ColumnCount };

    explicit TargetTableModel(QObject *parent = nullptr);

    // Null: no service selected (no rows).
    void setService(const ServiceConfig *service);
    void updateHealth(const std::vector<TargetHealthState> &health, bool running);
    // Takes the live figures of a traffic sample (targets matched by service name and URL).
    void updateTraffic(const TrafficSample &sample);
    QString serviceName() const { return m_service.name; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    void matchTraffic();
    QString trafficText(const TargetTraffic &t, int column, int role) const;

    ServiceConfig m_service;
    std::vector<TargetHealthState> m_health; // one per target; empty while unknown
    std::vector<TargetTraffic> m_sampleTargets; // the latest sample's, every service's
    std::vector<TargetTraffic> m_traffic;       // one per target; zeros when not in the sample
};

} // namespace portico
