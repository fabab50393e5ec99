#pragma once

#include "views/FieldErrors.h"

#include "config/ConfigStore.h"

#include <QWidget>

#include <array>

class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace portico {

// Edits one plan: its name and a limit per window, each a spin box whose lowest value reads
// "no limit". Checked as it is typed by the gateway's own validation, each message under its
// field; Apply is enabled only for a valid change. Apply emits applyRequested(); the page
// stores it and hands back refused changes' errors with showResult().
class PlanEditor : public QWidget
{
    Q_OBJECT
public:
    explicit PlanEditor(QWidget *parent = nullptr);

    // Loads a stored plan; `otherNames`: the other plans, whose names this one must not take.
    void setPlan(const PlanConfig &plan, const QStringList &otherNames);
    // Starts a new plan.
    void startNew(const QStringList &otherNames);
    void clear(); // nothing to edit

    PlanConfig plan() const;
    QString originalName() const { return m_original.name; }
    bool isNew() const { return m_isNew; }
    bool isModified() const;
    bool canApply() const;

    void setLimit(const char *window, qint64 value);
    QDoubleSpinBox *limitBox(const char *window) const;
    QLineEdit *nameEdit() const { return m_name; }
    QPushButton *applyButton() const { return m_apply; }

    void showResult(const StoreResult &result);

Q_SIGNALS:
    void applyRequested();

private:
    void load(const PlanConfig &plan);
    void validate();

    PlanConfig m_original;
    bool m_isNew = false;
    QStringList m_otherNames;
    QLabel *m_title;
    QLineEdit *m_name;
    FieldErrorLabel *m_nameMessage;
    std::array<QDoubleSpinBox *, 5> m_limits{};
    FieldErrorLabel *m_message; // what no field claims
    FieldErrors m_errors;
    QPushButton *m_apply;
    QPushButton *m_revert;
};

} // namespace portico
