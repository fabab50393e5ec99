#pragma once

#include "config/Config.h"
#include "proxy/TargetHealthReport.h"

#include <QAbstractTableModel>

namespace portico {

// The targets of one service: URL, weight and share of the traffic, and each target's live
// passive health (healthy, failing, ejected), updated with dataChanged on those columns only.
class TargetTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Url, Weight, Share, Health, Failures, ColumnCount };

    explicit TargetTableModel(QObject *parent = nullptr);

    // Null: no service selected (no rows).
    void setService(const ServiceConfig *service);
    void updateHealth(const std::vector<TargetHealthState> &health, bool running);
    QString serviceName() const { return m_service.name; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    ServiceConfig m_service;
    std::vector<TargetHealthState> m_health; // one per target; empty while unknown
};

} // namespace portico
