/** The API key model's steps after preflight. */
import { ApplicationFailure } from '@temporalio/workflow';
import { type ApiKeyRecord, FailureType, type StepInput, type VerificationReport } from '../domain';
import { activity } from './activity-options';
import { registerRemote, verify } from './common-steps';
import { type StepRunner, allSteps } from './steps';

/** (api-key || proxy-ca) -> keystore -> register-remote -> restart -> verify -> roles. */
export async function apiKeyModel(steps: StepRunner, input: StepInput): Promise<VerificationReport> {
  const { request } = input;
  const local = request.local.deploymentId;
  const remote = request.remote.deploymentId;

  // Both gates are decided before either step runs: nothing is created until the group is approved.
  await steps.approve('api-key', 'proxy-ca');
  let apiKey: ApiKeyRecord | undefined;
  const group: Promise<unknown>[] = [];
  if (steps.applies('api-key')) {
    group.push(
      steps
        .run(
          'api-key',
          [
            {
              step: 'api-key',
              activity: 'invalidateCrossClusterApiKey',
              run: () => activity('invalidateCrossClusterApiKey', request, `on ${remote}`)(input),
            },
          ],
          () => activity('createCrossClusterApiKey', request, `on ${remote} for ${request.alias}`)(input),
        )
        .then((key) => {
          apiKey = key;
        }),
    );
  }
  if (steps.applies('proxy-ca')) {
    group.push(
      steps.run(
        'proxy-ca',
        [
          {
            step: 'proxy-ca',
            activity: 'removeProxyCaTrust',
            run: () => activity('removeProxyCaTrust', request, `on ${local}`)(input),
          },
        ],
        () =>
          activity('ensureProxyCaTrust', request, `${local} trusts ${request.remote.environment}'s proxy CA`)(input),
      ),
    );
  }
  await allSteps(group);

  if (steps.applies('keystore')) {
    await steps.approve('keystore');
    const key = apiKey;
    if (!key) {
      throw ApplicationFailure.create({
        type: FailureType.PreflightRefused,
        message: 'keystore needs the cross-cluster API key, but the api-key step did not run',
        nonRetryable: true,
      });
    }
    await steps.run(
      'keystore',
      [
        {
          step: 'keystore',
          activity: 'removeKeystoreCredentials',
          run: () => activity('removeKeystoreCredentials', request, `on ${local}`)(input),
        },
      ],
      () =>
        activity(
          'writeKeystoreCredentials',
          request,
          `cluster.remote.${request.alias}.credentials on ${local}`,
        )({
          ...input,
          apiKey: key,
        }),
    );
  }

  await registerRemote(steps, input);

  if (steps.applies('restart')) {
    // The gate sits inside the step: only a reload that did not load the credentials needs a restart.
    await steps.run('restart', [], async () => {
      const reload = await activity('reloadSecureSettings', request, `on ${local}`)(input);
      if (reload.loaded) return [reload];
      if (steps.gates.gated('restart')) await steps.gates.waitFor('restart');
      const restart = await activity('restartElasticsearch', request, `${local} (keystore not reloaded)`)(input);
      return [reload, restart];
    });
  }

  const verification = await verify(steps, input);

  if (steps.applies('roles')) {
    await steps.approve('roles');
    await steps.run(
      'roles',
      [
        {
          step: 'roles',
          activity: 'deleteRoles',
          run: () => activity('deleteRoles', request, `on ${local}`)({ ...input, side: 'local' }),
        },
      ],
      () => activity('createRoles', request, `on ${local}`)({ ...input, side: 'local' }),
    );
  }
  return verification;
}
