#pragma once

#include "config/Config.h"
#include "proxy/TargetHealthReport.h"

#include <QAbstractTableModel>

namespace portico {

// The services of a configuration, one row each: targets, timeouts, retries, the routes that
// send to it, and the live health of its targets (updated with dataChanged on that column only).
class ServiceTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Name,
        Targets,
        Health,
        ConnectTimeout,
        ReadTimeout,
        Retries,
        Routes,
        ColumnCount
    };

    explicit ServiceTableModel(QObject *parent = nullptr);

    void setConfig(const Config &config);
    // Health of every target of the running snapshot; `running` false: the engine is stopped.
    void updateHealth(const std::vector<TargetHealthState> &health, bool running);

    const ServiceConfig *serviceAt(int row) const;
    int rowOf(const QString &serviceName) const;
    // Names of the routes that send to `serviceName`.
    QStringList routesOf(const QString &serviceName) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        ServiceConfig service;
        QStringList routes;
        int ejected = -1; // targets ejected now; -1 unknown (stopped, or not in the snapshot)
    };
    QString text(const Row &row, int column) const;

    std::vector<Row> m_rows;
};

} // namespace portico
